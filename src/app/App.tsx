// The app shell: header with the active model and backend, screen navigation, and the fixed safety line.

import { lazy, Suspense, useState } from 'react';
import { ErrorBoundary, type FallbackProps } from 'react-error-boundary';
import { BatchResumeBanner, BatchScreen } from '../features/batch';
import { CaptureScreen } from '../features/capture';
import { CasesScreen, StorageBanner } from '../features/cases';
import { ClassifyScreen } from '../features/classify';
import { SettingsScreen } from '../features/settings';
import { HomeScreenHint, OfflineStatus } from '../pwa';
import { InferenceProvider, activeModel, useInference } from './InferenceContext';

// The dashboard and its charts (recharts) were half the start-up script (988 kB): loaded when the screen
// is first opened (precached for offline use like every other chunk), so the app starts sooner on a tablet.
const loadDashboard = () => import('../features/dashboard').then((m) => ({ default: m.DashboardScreen }));

type Screen = 'classify' | 'capture' | 'batch' | 'cases' | 'dashboard' | 'settings';

const SCREENS: Array<{ id: Screen; label: string }> = [
  { id: 'classify', label: 'Classify' },
  { id: 'capture', label: 'Capture' },
  { id: 'batch', label: 'Batch' },
  { id: 'cases', label: 'Cases' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'settings', label: 'Settings' },
];

function ModelBadge() {
  const { status, activeModelFiles } = useInference();
  const info = activeModel(status);
  return (
    <div className="model-badge" data-testid="model-badge" aria-live="polite">
      <OfflineStatus model={activeModelFiles} />
      {info ? (
        <>
          <span className="model-name" title={`${info.metadata.displayName} v${info.metadata.version}`}>
            {info.metadata.displayName} <span className="muted">v{info.metadata.version}</span>
          </span>
          <span className="backend-pill" data-testid="backend">
            {info.backend.toUpperCase()}
          </span>
        </>
      ) : (
        <span className="muted model-status" data-testid="model-loading">
          {status.state === 'loading' ? status.message : 'No model'}
        </span>
      )}
      {info?.metadata.isTestModel && (
        <span
          className="test-model-flag"
          data-testid="test-model-flag"
          title="Test model: its answers mean nothing"
        >
          TEST<span className="flag-model"> MODEL</span>
          <span className="flag-detail">: answers mean nothing</span>
        </span>
      )}
    </div>
  );
}

/**
 * A screen that fails (a code chunk that cannot be fetched, a render error) says so in its own place: the
 * header, the other screens and the safety line keep working, and nothing stored is touched.
 */
function ScreenFailed({ error, resetErrorBoundary }: FallbackProps) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="banner error" role="alert" data-testid="screen-error">
      <p>
        This screen could not be opened ({message}). The other screens still work; reload the app if it
        happens again.
      </p>
      <button type="button" className="button" onClick={resetErrorBoundary}>
        Try again
      </button>
    </div>
  );
}

function Shell() {
  const [screen, setScreen] = useState<Screen>('classify');
  // React keeps a lazy screen's failed load for good: "Try again" makes a new one, which fetches again.
  const [DashboardScreen, setDashboardScreen] = useState(() => lazy(loadDashboard));
  const { status } = useInference();
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">LUS Signs</h1>
        <nav className="tabs" aria-label="Screens">
          {SCREENS.map((s) => (
            <button
              key={s.id}
              type="button"
              className={s.id === screen ? 'tab active' : 'tab'}
              aria-current={s.id === screen ? 'page' : undefined}
              onClick={() => setScreen(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
        <ModelBadge />
      </header>
      {status.state === 'failed' && (
        <div className="banner error" role="alert" data-testid="model-error">
          {status.message}
        </div>
      )}
      <StorageBanner />
      {screen !== 'batch' && <BatchResumeBanner onOpenBatch={() => setScreen('batch')} />}
      <HomeScreenHint />
      <main className="app-main">
        <ErrorBoundary
          FallbackComponent={ScreenFailed}
          resetKeys={[screen]}
          onReset={() => setDashboardScreen(() => lazy(loadDashboard))}
        >
          {screen === 'classify' ? (
            <ClassifyScreen />
          ) : screen === 'capture' ? (
            <CaptureScreen />
          ) : screen === 'batch' ? (
            <BatchScreen />
          ) : screen === 'cases' ? (
            <CasesScreen />
          ) : screen === 'dashboard' ? (
            <Suspense fallback={<p className="muted">Loading the dashboard…</p>}>
              <DashboardScreen />
            </Suspense>
          ) : (
            <SettingsScreen />
          )}
        </ErrorBoundary>
      </main>
      <footer className="safety-line" data-testid="safety-line">
        Decision support only, for trained users: confirm every sign yourself. A-lines alone do not exclude
        pneumothorax.
      </footer>
    </div>
  );
}

export function App() {
  return (
    <InferenceProvider>
      <Shell />
    </InferenceProvider>
  );
}
