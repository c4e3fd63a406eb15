// The read-out: the sign stated plainly, the runner-up when close, four probability bars, confidence, time, backend.

import { CLASS_IDS, CLASS_NAMES, readOut, type FrameResult } from '../../domain';

export function ResultPanel({ result, threshold }: { result: FrameResult; threshold: number }) {
  return (
    <section className="result" aria-live="polite" data-testid="result">
      <p className="result-label">The frame shows</p>
      <p className="result-sign" data-testid="result-sign" data-top={result.top}>
        {readOut(result)}
      </p>
      {result.lowConfidence && (
        <p className="warning" role="status" data-testid="low-confidence">
          Low confidence: the top sign is below {Math.round(threshold * 100)}%. Read this frame yourself, or
          try a clearer one.
        </p>
      )}
      <ul className="bars" aria-label="Probability of each sign">
        {CLASS_IDS.map((id) => {
          const p = result.probabilities[id];
          return (
            <li
              key={id}
              className={id === result.top ? 'bar top' : 'bar'}
              data-testid={`prob-${id}`}
              data-value={p}
            >
              <span className="bar-name">{CLASS_NAMES[id]}</span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
              </span>
              <span className="bar-value">{(p * 100).toFixed(1)}%</span>
            </li>
          );
        })}
      </ul>
      <p className="result-meta" data-testid="result-meta">
        {result.totalMs.toFixed(0)} ms on{' '}
        <span data-testid="result-backend">{result.backend.toUpperCase()}</span> · model {result.modelId} v
        {result.modelVersion} · region {result.cropDetected ? 'found automatically' : 'set by you'}
      </p>
    </section>
  );
}
