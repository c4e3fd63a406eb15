// The live loop over an open capture card as React state: the image region, blank or frozen images, the steady
// read-out with its trend, and how fast the model keeps up.

import { useCallback, useEffect, useEffectEvent, useRef, useState, type RefObject } from 'react';
import type { ImageActivity, SmoothedReadout, TrendPoint } from '../../core';
import type { InferenceClient } from '../../inference';
import type { OpenCapture } from '../../sources';
import { readDevicePrefs, rememberedRoi, saveDevicePrefs } from './capturePrefs';
import { LiveCapture, type LiveStats, type RoiSearch } from './liveCapture';

export interface LiveReadoutState {
  now: SmoothedReadout | null;
  trend: readonly TrendPoint[];
}

const NO_READOUT: LiveReadoutState = { now: null, trend: [] };

interface Options {
  videoRef: RefObject<HTMLVideoElement | null>;
  capture: OpenCapture | null;
  client: InferenceClient | null;
  /** The chosen card, whose image region is remembered when the capture does not name its own. */
  deviceId: string;
  continuous: boolean;
  /** The model's input side: live frames are read at twice it (128 to 448 px). */
  inputSide: number;
  /** The card's track ended without the user stopping it (unplugged, scanner off), or stopped sending. */
  onEnded: (capture: OpenCapture) => void;
}

export function useLiveCapture({
  videoRef,
  capture,
  client,
  deviceId,
  continuous,
  inputSide,
  onEnded,
}: Options) {
  const [roi, setRoi] = useState<RoiSearch | null>(null);
  const [activity, setActivity] = useState<ImageActivity>('starting');
  const [readout, setReadout] = useState<LiveReadoutState>(NO_READOUT);
  const [stats, setStats] = useState<LiveStats | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const loopRef = useRef<LiveCapture | null>(null);
  const ended = useEffectEvent(onEnded);

  // Attach the stream and start the live loop once the video knows its size.
  useEffect(() => {
    const video = videoRef.current;
    if (!capture || !video || !client) return;
    video.srcObject = capture.stream;
    let loop: LiveCapture | null = null;
    const begin = () => {
      if (loop) return;
      const id = capture.deviceId || deviceId;
      loop = new LiveCapture(video, capture.track, client, {
        onRoi: (search) => {
          setRoi(search);
          if (search.state === 'found' && id) {
            saveDevicePrefs(id, {
              roi: {
                rect: search.rect,
                frameWidth: video.videoWidth,
                frameHeight: video.videoHeight,
                setBy: search.setBy,
              },
            });
          }
        },
        onActivity: setActivity,
        onReadout: (now, trend) => setReadout({ now, trend: [...trend] }),
        onStats: setStats,
        onError: setProblem,
        onEnded: () => ended(capture),
      });
      loopRef.current = loop;
      const remembered = id ? rememberedRoi(readDevicePrefs(id), video.videoWidth, video.videoHeight) : null;
      loop.start(remembered);
    };
    video.addEventListener('loadedmetadata', begin);
    void video.play().catch(() => undefined);
    if (video.readyState >= 1) begin();
    // A stopped track sends neither frames nor (by the spec) an 'ended' event: look once a second.
    const watch = window.setInterval(() => {
      if (capture.track.readyState === 'ended') ended(capture);
    }, 1000);
    return () => {
      window.clearInterval(watch);
      video.removeEventListener('loadedmetadata', begin);
      loop?.stop();
      if (loopRef.current === loop) loopRef.current = null;
    };
  }, [capture, client, deviceId, videoRef]);

  useEffect(() => {
    if (loopRef.current) loopRef.current.continuous = continuous;
  }, [continuous, capture]);

  useEffect(() => {
    // Twice the model's input side keeps live frames sharp enough without reading back the whole region.
    if (loopRef.current) loopRef.current.liveSide = Math.min(448, Math.max(128, 2 * inputSide));
  }, [inputSide, capture, roi]);

  /** Stops the loop at once and forgets what it showed (the capture was stopped or lost). */
  const clear = useCallback(() => {
    loopRef.current?.stop();
    loopRef.current = null;
    setStats(null);
    setRoi(null);
    setReadout(NO_READOUT);
    setActivity('starting');
  }, []);

  const clearProblem = useCallback(() => setProblem(null), []);
  /** The running loop, for the controls that act on it (region, pause, full-resolution grab). */
  const currentLoop = useCallback(() => loopRef.current, []);

  return { roi, activity, readout, stats, problem, clearProblem, clear, currentLoop };
}
