// Settings: which compute backend to use, and what each rung of the ladder reported on this device.

import { useState } from 'react';
import { greyToRgba } from '../../core';
import { makeTestFrame } from '../../synth';
import { activeModel, useInference } from '../../app/InferenceContext';
import { BACKEND_CHOICES, backendPreference, saveBackendPreference } from '../../app/settings';
import { ModelManager } from './ModelManager';
import { ModelSummaryPanel } from './ModelSummaryPanel';
import type { BackendPreference } from '../../inference';

const LABELS: Record<BackendPreference, string> = {
  auto: 'Automatic (fastest real GPU, else WebAssembly)',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly (CPU)',
};

interface SpeedCheck {
  runs: number;
  medianMs: number;
  p90Ms: number;
  backend: string;
  /** Live tensors in the engine before and after: equal when nothing leaks. */
  tensorsBefore: number;
  tensorsAfter: number;
  /** Largest page JS heap seen during the check (Chromium only; 0 elsewhere). */
  heapPeakMB: number;
}

const SPEED_RUNS = 10;

function pageHeapBytes(): number {
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
}

export function SettingsScreen() {
  const { status, client } = useInference();
  const [choice, setChoice] = useState<BackendPreference>(backendPreference());
  const [speed, setSpeed] = useState<SpeedCheck | 'running' | null>(null);
  const info = activeModel(status);

  // Times one frame at a time, as a sonographer uses the app, on a generated scanner-like frame.
  const measureSpeed = async () => {
    if (!client) return;
    setSpeed('running');
    const { frame } = makeTestFrame({
      width: 640,
      height: 480,
      seed: 1,
      shape: 'convex',
      area: { x: 120, y: 60, width: 400, height: 380 },
      chrome: true,
      fluid: false,
    });
    const times: number[] = [];
    let backend = '';
    // ?speedRuns=200 lets a benchmark use the same check as a leak check over many classifications.
    const runs = Number(new URLSearchParams(location.search).get('speedRuns')) || SPEED_RUNS;
    const tensorsBefore = await client.tensorCount();
    let heapPeak = 0;
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const [outcome] = await client.classify([{ pixels: greyToRgba(frame), name: 'speed check' }]);
      if (i > 0) times.push(performance.now() - t0);
      if (outcome?.ok) backend = outcome.result.backend;
      heapPeak = Math.max(heapPeak, pageHeapBytes());
    }
    const tensorsAfter = await client.tensorCount();
    times.sort((a, b) => a - b);
    setSpeed({
      runs: times.length,
      medianMs: times[Math.floor(times.length / 2)]!,
      p90Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.9))]!,
      backend,
      tensorsBefore,
      tensorsAfter,
      heapPeakMB: heapPeak / 2 ** 20,
    });
  };
  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {info && <ModelSummaryPanel metadata={info.metadata} />}
      <ModelManager />
      <fieldset className="choice-group">
        <legend>Compute backend</legend>
        {BACKEND_CHOICES.map((b) => (
          <label key={b} className="choice">
            <input
              type="radio"
              name="backend"
              value={b}
              checked={choice === b}
              onChange={() => {
                setChoice(b);
                saveBackendPreference(b);
              }}
            />
            {LABELS[b]}
          </label>
        ))}
        <p className="muted">The new choice applies when the app is next opened.</p>
        <button type="button" className="button" onClick={() => location.reload()}>
          Apply now (reload)
        </button>
      </fieldset>
      {info && (
        <div className="probe-table">
          <h3>This device</h3>
          <table>
            <thead>
              <tr>
                <th>Backend</th>
                <th>Available</th>
                <th>Detail</th>
                <th>Timed run</th>
              </tr>
            </thead>
            <tbody>
              {info.probes.map((p) => (
                <tr key={p.backend} data-testid={`probe-${p.backend}`}>
                  <td>{p.backend}</td>
                  <td>{p.available ? (p.software ? 'software only (skipped)' : 'yes') : 'no'}</td>
                  <td>{p.detail}</td>
                  <td>{p.timedMs !== undefined ? `${p.timedMs.toFixed(0)} ms` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="load-timing" data-load-ms={info.loadMs} data-warmup-ms={info.warmupMs}>
            In use: <strong data-testid="settings-backend">{info.backend}</strong>, running in the{' '}
            <span data-testid="settings-context">
              {info.context === 'worker' ? 'background worker' : 'page (main thread)'}
            </span>
            {info.backend === 'wasm' && (
              <>
                {' '}
                with{' '}
                <span data-testid="settings-wasm-threads" data-threads={info.wasmThreads}>
                  {info.wasmThreads} {info.wasmThreads === 1 ? 'thread' : 'threads'}
                </span>
                {info.wasmThreads === 1 && !globalThis.crossOriginIsolated && (
                  <>
                    {' '}
                    (the page is not cross-origin isolated, so WebAssembly cannot share memory between
                    threads)
                  </>
                )}
              </>
            )}
            . Model loaded in {info.loadMs.toFixed(0)} ms, warmed up in {info.warmupMs.toFixed(0)} ms.
          </p>
          <button
            type="button"
            className="button"
            disabled={speed === 'running'}
            onClick={() => void measureSpeed()}
          >
            {speed === 'running' ? 'Measuring…' : 'Measure speed on this device'}
          </button>
          {speed && speed !== 'running' && (
            <p
              data-testid="speed-result"
              data-median-ms={speed.medianMs}
              data-p90-ms={speed.p90Ms}
              data-tensors-before={speed.tensorsBefore}
              data-tensors-after={speed.tensorsAfter}
              data-heap-peak-mb={speed.heapPeakMB}
            >
              {speed.runs} frames on {speed.backend}: median {speed.medianMs.toFixed(0)} ms per frame (90th
              percentile {speed.p90Ms.toFixed(0)} ms), from frame to read-out. Tensors held by the model:{' '}
              {speed.tensorsBefore} before, {speed.tensorsAfter} after.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
