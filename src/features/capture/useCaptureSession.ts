// One capture session: the chosen card opened at the chosen resolution, read live until stopped or lost, with
// the problem a user can act on when it cannot be opened or goes away.

import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { InferenceClient } from '../../inference';
import {
  CaptureProblem,
  DEVICE_ENDED_MESSAGE,
  closeCapture,
  openCaptureDevice,
  type OpenCapture,
} from '../../sources';
import { parseResolution, useCaptureDevices, type CaptureTrouble } from './useCaptureDevices';
import { useLiveCapture } from './useLiveCapture';

export function useCaptureSession({
  videoRef,
  client,
  inputSide,
}: {
  videoRef: RefObject<HTMLVideoElement | null>;
  client: InferenceClient | null;
  /** The model's input side, which sets how sharp live frames are read. */
  inputSide: number;
}) {
  const [problem, setProblem] = useState<CaptureTrouble | null>(null);
  const report = useCallback(
    (change: (p: CaptureTrouble | null) => CaptureTrouble | null) => setProblem(change),
    [],
  );
  const cards = useCaptureDevices(report);
  const [capture, setCapture] = useState<OpenCapture | null>(null);
  const [starting, setStarting] = useState(false);
  const [continuous, setContinuous] = useState(true);
  const captureRef = useRef<OpenCapture | null>(null);

  const live = useLiveCapture({
    videoRef,
    capture,
    client,
    deviceId: cards.deviceId,
    continuous,
    inputSide,
    // Called from the live loop after render, when `lost` below exists.
    onEnded: (ended) => lost(ended),
  });
  const { clear: clearLive, clearProblem: clearLiveProblem } = live;

  const stop = useCallback(() => {
    clearLive();
    closeCapture(captureRef.current);
    captureRef.current = null;
    setCapture(null);
  }, [clearLive]);
  // Leaving the screen releases the card.
  useEffect(() => stop, [stop]);

  /** The card went away under a running session (unplugged, scanner off): stop and say so. */
  const lost = useCallback(
    (ended: OpenCapture) => {
      if (captureRef.current !== ended) return;
      stop();
      setProblem({ code: 'device-ended', message: DEVICE_ENDED_MESSAGE });
    },
    [stop],
  );

  const { deviceId, resolution, refreshDevices, rememberOpened } = cards;
  const start = useCallback(async () => {
    stop();
    setProblem(null);
    clearLiveProblem();
    setStarting(true);
    const wanted = parseResolution(resolution);
    try {
      const opened = await openCaptureDevice(deviceId || null, wanted);
      captureRef.current = opened;
      // Labels appear only after access is granted: list again so the menu names the cards.
      const found = await refreshDevices();
      rememberOpened(opened.deviceId || deviceId, found, wanted);
      opened.track.addEventListener('ended', () => lost(opened));
      setCapture(opened);
    } catch (error) {
      const p = error instanceof CaptureProblem ? error : null;
      setProblem({ code: p?.code ?? 'unknown', message: (error as Error).message });
    } finally {
      setStarting(false);
    }
  }, [deviceId, resolution, refreshDevices, rememberOpened, stop, clearLiveProblem, lost]);

  return { cards, capture, starting, problem, continuous, setContinuous, live, start, stop };
}
