// Record clip: a few seconds of the live image region taken at an even pace, read by the model as a clip (the same read-out as a dropped clip), kept until "Back to live".

import { useCallback, useEffect, useRef, useState } from 'react';
import type { FrameResult, Rect, RgbaImage } from '../../core';
import { MAX_CLIP_FRAMES, clipReadout, samplingFor, type Clip, type ClipReadout } from '../../core/clip';
import type { InferenceClient } from '../../inference';
import type { OpenCapture } from '../../sources';
import { clipFramesToRead, clipReadBy, readClipFrames, type ClipCaseDraft } from '../shared';
import type { LiveCapture } from './liveCapture';

/** The lengths a sonographer chooses from: a breath lasts 3–5 s, so 4 s holds about one. */
export const CLIP_SECONDS = [2, 4, 6] as const;
export type ClipSeconds = (typeof CLIP_SECONDS)[number];
/** Frames per second taken while recording, capped so a clip never exceeds MAX_CLIP_FRAMES. */
const RECORD_FPS = 15;
/** Longest side of a recorded frame's region: as sharp as a stored clip frame (CLIP_FRAME_SIDE). */
const RECORD_SIDE = 512;

export type Recording =
  | { state: 'recording'; seconds: ClipSeconds; taken: number; of: number }
  | { state: 'reading'; done: number; of: number }
  | {
      state: 'done';
      clip: Clip<RgbaImage>;
      readout: ClipReadout;
      results: Array<FrameResult | null>;
      draft: ClipCaseDraft;
    }
  | { state: 'failed'; message: string };

/** How many frames a clip of `seconds` is recorded at, and how far apart. */
export function recordingPlan(seconds: number): { frames: number; everyMs: number } {
  const frames = Math.min(MAX_CLIP_FRAMES, Math.max(2, Math.round(seconds * RECORD_FPS)));
  return { frames, everyMs: (seconds * 1000) / frames };
}

export function useClipRecording({
  client,
  capture,
  region,
  currentLoop,
  threshold,
}: {
  client: InferenceClient | null;
  capture: OpenCapture | null;
  /** The live image region; recording needs one. */
  region: Rect | null;
  currentLoop: () => LiveCapture | null;
  threshold: number;
}) {
  const [recording, setRecording] = useState<Recording | null>(null);
  const run = useRef(0);

  const record = useCallback(
    async (seconds: ClipSeconds) => {
      const loop = currentLoop();
      if (!loop || !capture || !client || !region) return;
      const id = ++run.current;
      const live = () => run.current === id;
      // The live read-out pauses: the model reads the clip afterwards, and the frames are taken meanwhile.
      loop.setPaused(true);
      const plan = recordingPlan(seconds);
      const frames: Clip<RgbaImage>['frames'] = [];
      const start = performance.now();
      setRecording({ state: 'recording', seconds, taken: 0, of: plan.frames });
      try {
        for (let i = 0; i < plan.frames; i++) {
          const due = start + i * plan.everyMs;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          if (!live()) return;
          frames.push({
            index: i,
            timeMs: performance.now() - start,
            pixels: loop.grabRegion(region, RECORD_SIDE),
          });
          setRecording({ state: 'recording', seconds, taken: i + 1, of: plan.frames });
        }
        const durationMs = frames.at(-1)!.timeMs + plan.everyMs;
        const device = capture.label || 'capture card';
        const clip: Clip<RgbaImage> = {
          source: { kind: 'video', name: `Clip from ${device}`, format: 'Recorded from the capture card' },
          frameRate: Math.round(((1000 * frames.length) / durationMs) * 10) / 10,
          durationMs,
          sampling: samplingFor(frames.length),
          frames,
        };
        const read = await readClipFrames(
          client,
          // The frames are the region already: read whole.
          clipFramesToRead(frames, clip.source.name, 'whole'),
          { onProgress: (done, of) => live() && setRecording({ state: 'reading', done, of }) },
        );
        if (!live()) return;
        if (read.incomplete) throw new Error(read.incomplete.message);
        const by = clipReadBy(read.results);
        if (!by) throw new Error('none of its frames could be read');
        const readout = clipReadout(read.readings, clip.sampling, threshold);
        const first = frames[0]!.pixels;
        setRecording({
          state: 'done',
          clip,
          readout,
          results: read.results,
          draft: {
            source: clip.source.name,
            origin: 'capture',
            format: clip.source.format,
            frameRate: clip.frameRate,
            durationMs,
            sampling: clip.sampling,
            frames,
            scanRegion: { x: 0, y: 0, width: first.width, height: first.height },
            technical: null,
            readout,
            results: read.results,
            by,
          },
        });
      } catch (error) {
        if (live())
          setRecording({
            state: 'failed',
            message: `The clip could not be read: ${(error as Error).message}`,
          });
      }
    },
    [capture, client, region, currentLoop, threshold],
  );

  /** Lets the clip go (unsaved) and reads live again. */
  const discard = useCallback(() => {
    run.current++;
    setRecording(null);
    currentLoop()?.setPaused(false);
  }, [currentLoop]);

  // A stopped or lost card ends a recording: its frames would stop coming.
  useEffect(() => {
    if (!capture) {
      run.current++;
      setRecording(null);
    }
  }, [capture]);

  return { recording, record, discard };
}
