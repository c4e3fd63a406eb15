// The app-wide banner for storage trouble (full, blocked by another tab, updated elsewhere, unavailable).

import { useEffect, useState } from 'react';
import { currentStorageProblem, onStorageProblem, type StorageProblem } from '../../store';

export function StorageBanner() {
  const [problem, setProblem] = useState<StorageProblem | null>(currentStorageProblem());
  useEffect(() => onStorageProblem(setProblem), []);
  if (!problem) return null;
  return (
    <div className="banner error" role="alert" data-testid="storage-problem" data-kind={problem.kind}>
      {problem.message}
      {problem.kind === 'newer-version' && (
        <button type="button" className="button banner-action" onClick={() => location.reload()}>
          Reload now
        </button>
      )}
    </div>
  );
}
