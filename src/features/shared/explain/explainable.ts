// Which results may show where the model looked: every one the input gate did not refuse.
import type { FrameResult } from '../../../core';

/** The parts of a result a heat map needs: a live FrameResult, or a batch row's stored score. */
export type ExplainableResult = Pick<
  FrameResult,
  'top' | 'crop' | 'frameWidth' | 'frameHeight' | 'heatMap'
> & {
  gate?: { pass: boolean };
};

/**
 * The result itself, or null when it was refused: where the model looked on a photo or a heart means
 * nothing, and drawing it would lend a refused answer weight. Results from before the gate count as passed.
 */
export function explainable<T extends ExplainableResult>(result: T | null | undefined): T | null {
  return result && result.gate?.pass !== false ? result : null;
}
