// Header status for offline use, and the update prompt that only applies a new version on consent.

import { useEffect, useState, useSyncExternalStore } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { checkModelOffline, type OfflineReadiness } from './offlineReadiness';
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

export function OfflineStatus({ modelJsonUrl }: { modelJsonUrl: string | null }) {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady],
    updateServiceWorker,
  } = useRegisterSW();
  const [readiness, setReadiness] = useState<OfflineReadiness | null>(null);
  const holds = useSyncExternalStore(subscribeHolds, () => holdsSnapshot);

  // A version the user put off ("Later") is still waiting when the app is reopened: ask again.
  useEffect(() => {
    void navigator.serviceWorker?.getRegistration().then((registration) => {
      if (registration?.waiting && navigator.serviceWorker.controller) setNeedRefresh(true);
    });
  }, [setNeedRefresh]);

  useEffect(() => {
    if (!modelJsonUrl) return;
    let cancelled = false;
    const check = async () => {
      await navigator.serviceWorker?.ready;
      const result = await checkModelOffline(modelJsonUrl);
      if (!cancelled) setReadiness(result);
      // The first install may still be filling the cache: look again until everything is there.
      if (!cancelled && !result.ready) setTimeout(() => void check(), 2000);
    };
    void check();
    return () => {
      cancelled = true;
    };
  }, [modelJsonUrl, offlineReady]);

  return (
    <>
      <span
        className={readiness?.ready ? 'offline-pill ready' : 'offline-pill'}
        data-testid="offline-status"
        title={readiness && !readiness.ready ? `Not cached yet: ${readiness.missing.join(', ')}` : undefined}
      >
        {readiness?.ready
          ? `Ready offline · model ${formatBytes(readiness.cachedBytes)}`
          : 'Not yet available offline'}
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
