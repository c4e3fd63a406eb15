// The library as React state: all cases, re-read whenever any screen or the re-scoring run changes it.

import { useCallback, useEffect, useState } from 'react';
import { listCases, onCasesChanged, type CaseRecord } from '../../store';

export function useCases(): {
  cases: CaseRecord[];
  loading: boolean;
  error: string | null;
  reload: () => void;
} {
  const [cases, setCases] = useState<CaseRecord[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => onCasesChanged(reload), [reload]);
  useEffect(() => {
    let live = true;
    listCases()
      .then((all) => {
        if (!live) return;
        setCases(all);
        setError(null);
      })
      .catch((e: unknown) => live && setError((e as Error).message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [tick]);
  return { cases, loading, error, reload };
}
