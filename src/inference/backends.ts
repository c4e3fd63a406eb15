// The backend ladder: probes WebGPU, WebGL and WASM with timeouts and recognises software GPUs.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../core';
import type { BackendProbe } from './api';

export const LADDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

/** A backend that has not initialised in this time is treated as unavailable (setBackend can hang on iOS). */
const PROBE_TIMEOUT_MS = 10_000;
const WASM_TIMEOUT_MS = 60_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

interface GpuAdapterLike {
  info?: Record<string, unknown> & { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<Record<string, unknown>>;
}

async function describeWebGpuAdapter(): Promise<{ ok: boolean; software: boolean; detail: string }> {
  const gpu = (
    globalThis.navigator as unknown as
      { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined
  )?.gpu;
  if (!gpu) return { ok: false, software: false, detail: 'WebGPU is not available in this browser' };
  const adapter = await withTimeout(gpu.requestAdapter(), PROBE_TIMEOUT_MS, 'WebGPU adapter request');
  if (!adapter) return { ok: false, software: false, detail: 'no WebGPU adapter' };
  const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  const text = ['vendor', 'architecture', 'device', 'description']
    .map((k) => String(info[k] ?? ''))
    .join(' ')
    .trim();
  const software =
    adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_RENDERERS.test(text);
  return { ok: true, software, detail: text || 'WebGPU adapter' };
}

function describeWebGl(): { ok: boolean; software: boolean; detail: string } {
  const canvas: OffscreenCanvas | HTMLCanvasElement | null =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1)
      : typeof document !== 'undefined'
        ? document.createElement('canvas')
        : null;
  const gl = canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined;
  if (!gl) return { ok: false, software: false, detail: 'WebGL 2 is not available here' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { ok: true, software: SOFTWARE_RENDERERS.test(renderer), detail: renderer };
}

/** Looks at each rung without initialising TF.js on it. */
export async function inspectBackend(backend: BackendName): Promise<BackendProbe> {
  try {
    if (backend === 'webgpu') {
      const d = await describeWebGpuAdapter();
      return { backend, available: d.ok, software: d.software, detail: d.detail };
    }
    if (backend === 'webgl') {
      const d = describeWebGl();
      return { backend, available: d.ok, software: d.software, detail: d.detail };
    }
    const simd = typeof WebAssembly === 'object';
    return { backend, available: simd, software: false, detail: 'WebAssembly on the CPU' };
  } catch (error) {
    return { backend, available: false, software: false, detail: (error as Error).message };
  }
}

/** Makes `backend` the active TF.js backend, within the probe timeout. */
export async function activateBackend(backend: BackendName): Promise<void> {
  // WASM is the last rung: give it longer (a cold compile on a busy tablet) rather than fail outright.
  const limit = backend === 'wasm' ? WASM_TIMEOUT_MS : PROBE_TIMEOUT_MS;
  const ok = await withTimeout(tf.setBackend(backend), limit, `The ${backend} backend`);
  if (!ok) throw new Error(`The ${backend} backend failed to initialise`);
  await tf.ready();
}

/** Next rung down after a GPU failure (device lost, context lost, out of memory). */
export function stepDown(from: BackendName): BackendName | null {
  const i = LADDER.indexOf(from);
  return i >= 0 && i < LADDER.length - 1 ? LADDER[i + 1]! : null;
}
