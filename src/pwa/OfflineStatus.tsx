// Header status for offline use, and the update prompt that only applies a new version on consent.

import { useEffect, useState, useSyncExternalStore } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { checkOffline, type ModelFilesAt, type OfflineReadiness } from './offlineReadiness';
import { onUpdateHoldsChange, updateHoldReasons } from './updateGuard';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

let holdsSnapshot = updateHoldReasons();
function subscribeHolds(listener: () => void) {
  return onUpdateHoldsChange(() => {
    holdsSnapshot = updateHoldReasons();
    listener();
  });
}

const WORDS = {
  ready: 'Ready offline',
  checking: 'Checking offline use…',
  'not-ready': 'Not yet available offline',
} as const;

const APP_URL = () => new URL(`${import.meta.env.BASE_URL}index.html`, location.href).href;

export function OfflineStatus({ model }: { model: ModelFilesAt | null }) {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady],
    updateServiceWorker,
  } = useRegisterSW();
  // Null while checking: the badge says so instead of claiming "not available" before it has looked.
  const [readiness, setReadiness] = useState<{ for: ModelFilesAt; result: OfflineReadiness } | null>(null);
  const holds = useSyncExternalStore(subscribeHolds, () => holdsSnapshot);

  // A version the user put off ("Later") is still waiting when the app is reopened: ask again.
  useEffect(() => {
    void navigator.serviceWorker?.getRegistration().then((registration) => {
      if (registration?.waiting && navigator.serviceWorker.controller) setNeedRefresh(true);
    });
  }, [setNeedRefresh]);

  useEffect(() => {
    if (!model) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      // The cache fills while the service worker installs, before it can answer a reload: "ready" only once
      // it is active (the badge says "checking" meanwhile), or an offline reload right after it would fail.
      await navigator.serviceWorker?.ready;
      const result = await checkOffline(model, APP_URL()).catch((error: unknown): OfflineReadiness => ({
        ready: false,
        modelBytes: 0,
        missing: [`(the offline cache could not be read: ${(error as Error).message})`],
      }));
      if (cancelled) return;
      setReadiness({ for: model, result });
      // The first install may still be filling the cache: look again until everything is there.
      if (!result.ready) timer = setTimeout(() => void check(), 2000);
    };
    void check();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [model, offlineReady]);

  // A result for another model (the one before a switch) says nothing about this one.
  const current = readiness && readiness.for === model ? readiness.result : null;
  const state = !model || !current ? 'checking' : current.ready ? 'ready' : 'not-ready';
  return (
    <>
      <span
        className={`offline-pill ${state}`}
        data-testid="offline-status"
        data-state={state}
        title={
          current && !current.ready
            ? `Not cached yet: ${current.missing.join(', ')}`
            : state === 'checking'
              ? 'Checking that the app and the model in use are on this device'
              : undefined
        }
      >
        <span className="offline-icon" aria-hidden="true">
          {state === 'ready' ? '✓' : state === 'checking' ? '…' : '!'}
        </span>
        <span className="offline-short" aria-hidden="true">
          {state === 'ready' ? ' Offline' : state === 'checking' ? ' Checking' : ' Not offline'}
        </span>
        <span className="offline-word">{WORDS[state]}</span>
        {state === 'ready' && current && (
          <span className="offline-detail"> · model {formatBytes(current.modelBytes)}</span>
        )}
      </span>
      {needRefresh && (
        <div
          className="update-prompt"
          role="dialog"
          aria-label="Update available"
          data-testid="update-prompt"
        >
          <span>A new version of LUS Signs is ready.</span>
          {holds.length > 0 && (
            <span className="muted">It will wait until this ends: {holds.join(', ')}.</span>
          )}
          <button
            type="button"
            className="button primary"
            disabled={holds.length > 0}
            onClick={() => {
              // The user agreed: reload once the new version controls the page, also when that version was
              // found by the browser's own periodic check rather than at start-up.
              navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
                once: true,
              });
              void updateServiceWorker(true);
            }}
          >
            Update now
          </button>
          <button type="button" className="button" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </div>
      )}
    </>
  );
}
