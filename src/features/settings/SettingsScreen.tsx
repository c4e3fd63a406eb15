// Settings: which compute backend to use, and what each rung of the ladder reported on this device.

import { useState } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import { BACKEND_CHOICES, backendPreference, saveBackendPreference } from '../../app/settings';
import type { BackendPreference } from '../../inference';

const LABELS: Record<BackendPreference, string> = {
  auto: 'Automatic (fastest real GPU, else WebAssembly)',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly (CPU)',
};

export function SettingsScreen() {
  const { status } = useInference();
  const [choice, setChoice] = useState<BackendPreference>(backendPreference());
  const info = activeModel(status);
  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
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
          <p>
            In use: <strong data-testid="settings-backend">{info.backend}</strong>
            {info.backend === 'wasm' && <> with {info.wasmThreads} thread(s)</>}. Model loaded in{' '}
            {info.loadMs.toFixed(0)} ms, warmed up in {info.warmupMs.toFixed(0)} ms.
          </p>
        </div>
      )}
    </section>
  );
}
