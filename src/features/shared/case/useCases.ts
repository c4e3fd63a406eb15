// The library as React state: all cases, re-read (at most twice a second) whenever any screen or a re-scoring run changes it.

import { useEffect, useState } from 'react';
import { listCases, onCasesChanged, type CaseRecord } from '../../../store';

/** A re-scoring run writes after every batch; coalescing keeps the grid from re-reading on each write. */
const COALESCE_MS = 500;

export function useCases(): { cases: CaseRecord[]; loading: boolean; error: string | null } {
  const [cases, setCases] = useState<CaseRecord[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reading = false;
    let again = false;
    const load = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        const all = await listCases();
        if (live) {
          setCases(all);
          setError(null);
        }
      } catch (e) {
        if (live) setError((e as Error).message);
      } finally {
        reading = false;
        if (live) setLoading(false);
        if (again && live) {
          again = false;
          void load();
        }
      }
    };
    void load();
    const off = onCasesChanged(() => {
      if (timer === undefined) {
        timer = setTimeout(() => {
          timer = undefined;
          void load();
        }, COALESCE_MS);
      }
    });
    return () => {
      live = false;
      off();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return { cases, loading, error };
}
