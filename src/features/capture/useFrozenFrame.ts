// A frozen frame: the live loop paused, the newest frame grabbed at full resolution and read by the model, and
// read again when its region is moved; "Back to live" lets it go.

import { useCallback, useState } from 'react';
import type { FrameResult, Rect } from '../../core';
import type { InferenceClient } from '../../inference';
import type { OpenCapture } from '../../sources';
import type { LiveCapture, RoiSearch } from './liveCapture';

export interface Frozen {
  file: File;
  url: string;
  result: FrameResult | null;
  problem: string | null;
  busy: boolean;
}

export function useFrozenFrame({
  client,
  capture,
  roi,
  currentLoop,
}: {
  client: InferenceClient | null;
  capture: OpenCapture | null;
  roi: RoiSearch | null;
  currentLoop: () => LiveCapture | null;
}) {
  const [frozen, setFrozen] = useState<Frozen | null>(null);

  const classifyFrozen = useCallback(
    async (file: File, crop?: Rect, foundAutomatically = false) => {
      if (!client) return;
      setFrozen((f) => (f ? { ...f, busy: true, problem: null } : f));
      try {
        const [outcome] = await client.classify([{ file, name: file.name, crop }]);
        setFrozen((f) =>
          f && f.file === file
            ? outcome?.ok
              ? {
                  ...f,
                  busy: false,
                  // The live region came from motion detection: say so, though the worker was handed a crop.
                  result: { ...outcome.result, cropDetected: foundAutomatically },
                  problem: null,
                }
              : {
                  ...f,
                  busy: false,
                  result: null,
                  problem: outcome?.message ?? 'The frame could not be read.',
                }
            : f,
        );
      } catch (error) {
        setFrozen((f) =>
          f && f.file === file
            ? {
                ...f,
                busy: false,
                result: null,
                problem: `The model could not read this frame: ${(error as Error).message}`,
              }
            : f,
        );
      }
    },
    [client],
  );

  const freeze = useCallback(async () => {
    const loop = currentLoop();
    if (!loop || !capture) return;
    loop.setPaused(true);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const device = (capture.label || 'capture card').replace(/[^\p{L}\p{N} _-]/gu, '').trim();
    const file = await loop.grabFullFrame(`Capture ${device} ${stamp}.png`);
    const url = URL.createObjectURL(file);
    setFrozen({ file, url, result: null, problem: null, busy: true });
    const region = roi?.state === 'found' ? roi.rect : undefined;
    await classifyFrozen(file, region, roi?.state === 'found' && roi.setBy === 'auto');
  }, [capture, roi, classifyFrozen, currentLoop]);

  /** Lets the frozen frame go and reads live again (nothing to resume when the capture was stopped). */
  const backToLive = useCallback(() => {
    setFrozen((f) => {
      if (f) URL.revokeObjectURL(f.url);
      return null;
    });
    currentLoop()?.setPaused(false);
  }, [currentLoop]);

  return { frozen, freeze, backToLive, classifyFrozen };
}
