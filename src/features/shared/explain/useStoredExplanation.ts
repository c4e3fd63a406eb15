// Re-reads a stored image on request to show where the current model looks (one model run; nothing is stored).
import { useCallback, useState } from 'react';
import { useInference } from '../../../app/InferenceContext';
import type { FrameResult, Rect } from '../../../core';

export type StoredExplanation =
  | { state: 'idle' }
  | { state: 'busy' }
  | { state: 'done'; result: FrameResult }
  | { state: 'problem'; message: string };

/**
 * For a stored case, batch row or any kept image: classify it again with the crop it was read with and keep
 * the result (heat map and gate verdict) in memory. Stored predictions are not changed by looking.
 */
export function useStoredExplanation(): {
  explanation: StoredExplanation;
  explain: (image: Blob, name: string, crop?: Rect) => Promise<void>;
  reset: () => void;
} {
  const { client } = useInference();
  const [explanation, setExplanation] = useState<StoredExplanation>({ state: 'idle' });
  const explain = useCallback(
    async (image: Blob, name: string, crop?: Rect) => {
      if (!client) {
        setExplanation({ state: 'problem', message: 'The model is not loaded yet.' });
        return;
      }
      setExplanation({ state: 'busy' });
      try {
        const [outcome] = await client.classify([{ file: image, name, ...(crop ? { crop } : {}) }]);
        setExplanation(
          outcome?.ok
            ? { state: 'done', result: outcome.result }
            : { state: 'problem', message: outcome?.message ?? 'The image could not be read.' },
        );
      } catch (error) {
        setExplanation({ state: 'problem', message: (error as Error).message });
      }
    },
    [client],
  );
  return { explanation, explain, reset: () => setExplanation({ state: 'idle' }) };
}
