// The read-out: the sign stated plainly, the runner-up when close, four probability bars, confidence, time, backend; or the input gate's refusal first.

import { useState } from 'react';
import type { FrameResult } from '../../../core';
import { GateNotice } from '../explain';
import { ProbabilityBars } from './ProbabilityBars';
import { ReadOutText } from './ReadOutText';

export function ResultPanel({ result, threshold }: { result: FrameResult; threshold: number }) {
  // Revealing belongs to one result: the next frame starts refused-and-hidden again.
  const [revealedFor, setRevealedFor] = useState<FrameResult | null>(null);
  const refused = result.gate !== undefined && !result.gate.pass;
  const revealed = revealedFor === result;
  if (refused && !revealed) {
    return (
      <section className="result" aria-live="polite" data-testid="result" data-gate="refused">
        <GateNotice gate={result.gate!} revealed={false} onReveal={() => setRevealedFor(result)} />
      </section>
    );
  }
  return (
    <section
      className={refused ? 'result unreliable' : 'result'}
      aria-live="polite"
      data-testid="result"
      data-gate={refused ? 'refused' : 'passed'}
    >
      {refused && <GateNotice gate={result.gate!} revealed onReveal={() => setRevealedFor(null)} />}
      {refused && (
        <p className="unreliable-label" data-testid="unreliable">
          Unreliable: the model was not made for this kind of image.
        </p>
      )}
      <p className="result-label">{refused ? 'The model would say' : 'The frame shows'}</p>
      <p className="result-sign" data-testid="result-sign" data-top={result.top}>
        <ReadOutText result={result} />
      </p>
      <p className="result-probability" data-testid="result-probability">
        {(result.probabilities[result.top] * 100).toFixed(1)}% probability
        {refused ? ' (unreliable)' : ''}
      </p>
      {result.lowConfidence && (
        <p className="warning" role="status" data-testid="low-confidence">
          Low confidence: the top sign is below {Math.round(threshold * 100)}%. Read this frame yourself, or
          try a clearer one.
        </p>
      )}
      <ProbabilityBars probabilities={result.probabilities} top={result.top} />
      <p className="result-meta" data-testid="result-meta">
        {result.totalMs.toFixed(0)} ms on{' '}
        <span data-testid="result-backend">{result.backend.toUpperCase()}</span> · model {result.modelId} v
        {result.modelVersion} · region {result.cropDetected ? 'found automatically' : 'set by you'}
        {result.gate?.pass && (
          <span data-testid="gate-passed">
            {' '}
            · input check passed{result.gate.modelChecked ? '' : ' (image checks only)'}
          </span>
        )}
      </p>
    </section>
  );
}
