// The four signs' probabilities as bars, the top sign marked; shared by the read-out and a batch row's detail.

import { CLASS_IDS, CLASS_NAMES, type ClassId } from '../../domain';

export function ProbabilityBars({
  probabilities,
  top,
}: {
  probabilities: Record<ClassId, number>;
  top: ClassId;
}) {
  return (
    <ul className="bars" aria-label="Probability of each sign">
      {CLASS_IDS.map((id) => {
        const p = probabilities[id];
        return (
          <li key={id} className={id === top ? 'bar top' : 'bar'} data-testid={`prob-${id}`} data-value={p}>
            <span className="bar-name">{CLASS_NAMES[id]}</span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </span>
            <span className="bar-value">{(p * 100).toFixed(1)}%</span>
          </li>
        );
      })}
    </ul>
  );
}
