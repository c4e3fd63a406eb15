// Worker thread of `lus-signs score`: reads and decodes files, then classifies them with the app's FrameClassifier on WASM.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import type { FrameInput, ModelSource } from '../src/inference/api.ts';
import { FrameClassifier } from '../src/inference/classifier.ts';
import { InputProblem } from '../src/sources/inputProblem.ts';
import { decodeImageBuffer, useWasmBackendInNode } from '../node/index.ts';
import { explainPath, writeExplainPng } from './explainPng.ts';

export interface ScoreFile {
  /** Absolute path on disk. */
  file: string;
  /** Path inside the scored folder, used in messages and the CSV. */
  path: string;
}

export type WorkerRequest =
  | { kind: 'load'; source: Extract<ModelSource, { kind: 'files' }>; explainDir?: string }
  | { kind: 'chunk'; id: number; files: ScoreFile[] }
  | { kind: 'stop' };

export type FileOutcome =
  | {
      path: string;
      ok: true;
      ms: number;
      score: {
        probabilities: Record<string, number>;
        top: string;
        lowConfidence: boolean;
        backend: string;
        modelId: string;
        modelVersion: string;
        crop: { x: number; y: number; width: number; height: number };
        frameWidth: number;
        frameHeight: number;
        gate?: { pass: boolean; reason?: string; message: string };
      };
      /** The heat-map PNG written for --explain, if any. */
      explained?: string;
    }
  | { path: string; ok: false; ms: number; code: string; reason: string };

export type WorkerReply =
  | { kind: 'loaded'; backend: string; modelId: string; modelVersion: string }
  | { kind: 'done'; id: number; outcomes: FileOutcome[] }
  | { kind: 'error'; message: string };

/** Turns a file-system error into the reason a user reads: vanished, permission, or plain unreadable. */
function readProblem(error: NodeJS.ErrnoException, path: string): { code: string; reason: string } {
  switch (error.code) {
    case 'ENOENT':
      return {
        code: 'vanished',
        reason: `${path} disappeared before it could be read (moved or deleted during the run).`,
      };
    case 'EACCES':
    case 'EPERM':
      return { code: 'unreadable', reason: `${path} cannot be read: permission denied.` };
    case 'EISDIR':
      return { code: 'unreadable', reason: `${path} is a folder, not a file.` };
    default:
      return { code: 'unreadable', reason: `${path} cannot be read (${error.code ?? error.message}).` };
  }
}

type Decoded = { path: string; input?: FrameInput; ms: number; code?: string; reason?: string };

/** Reads and decodes one chunk; sharp works on libuv threads, so this overlaps the previous chunk's inference. */
function decodeChunk(files: ScoreFile[]): Promise<Decoded[]> {
  return Promise.all(
    files.map(async ({ file, path }): Promise<Decoded> => {
      const t0 = performance.now();
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        return { path, ms: performance.now() - t0, ...readProblem(error as NodeJS.ErrnoException, path) };
      }
      try {
        const decoded = await decodeImageBuffer(bytes, path);
        return { path, input: { pixels: decoded.image, name: path }, ms: performance.now() - t0 };
      } catch (error) {
        const p =
          error instanceof InputProblem
            ? error
            : new InputProblem('corrupt-image', `${path}: ${(error as Error).message}`);
        return { path, ms: performance.now() - t0, code: p.code, reason: p.message };
      }
    }),
  );
}

const port = parentPort!;
const classifier = new FrameClassifier();
let explainDir: string | undefined;
// Chunks queue here; the next one starts decoding before the current one is classified.
const queue: Array<{ id: number; decoding: Promise<Decoded[]> }> = [];
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (queue.length) {
      const { id, decoding } = queue[0]!;
      const decoded = await decoding;
      queue.shift();
      const inputs = decoded.filter((d) => d.input);
      // Heat maps come from the same model run; without --explain they are not computed at all.
      const outcomes = inputs.length
        ? await classifier.classify(
            inputs.map((d) => d.input!),
            { explain: explainDir !== undefined },
          )
        : [];
      const results: FileOutcome[] = [];
      let k = 0;
      for (const d of decoded) {
        if (!d.input) {
          results.push({ path: d.path, ok: false, ms: d.ms, code: d.code!, reason: d.reason! });
          continue;
        }
        const o = outcomes[k++]!;
        if (o.ok) {
          const r = o.result;
          let explained: string | undefined;
          if (explainDir && r.heatMap && d.input?.pixels) {
            explained = explainPath(explainDir, d.path, r.gate?.pass === false);
            await writeExplainPng(explained, d.input.pixels, r);
          }
          results.push({
            ...(explained ? { explained } : {}),
            path: d.path,
            ok: true,
            ms: d.ms + r.totalMs,
            score: {
              probabilities: r.probabilities,
              top: r.top,
              lowConfidence: r.lowConfidence,
              backend: r.backend,
              modelId: r.modelId,
              modelVersion: r.modelVersion,
              crop: r.crop,
              frameWidth: r.frameWidth,
              frameHeight: r.frameHeight,
              ...(r.gate
                ? { gate: { pass: r.gate.pass, reason: r.gate.reason, message: r.gate.message } }
                : {}),
            },
          });
        } else {
          results.push({ path: d.path, ok: false, ms: d.ms, code: o.code, reason: o.message });
        }
      }
      port.postMessage({ kind: 'done', id, outcomes: results } satisfies WorkerReply);
    }
  } finally {
    busy = false;
  }
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.kind === 'stop') {
    classifier.dispose();
    port.close();
    return;
  }
  if (msg.kind === 'load') {
    (async () => {
      await useWasmBackendInNode();
      explainDir = msg.explainDir;
      const info = await classifier.load(msg.source, 'wasm');
      port.postMessage({
        kind: 'loaded',
        backend: info.backend,
        modelId: info.metadata.id,
        modelVersion: info.metadata.version,
      } satisfies WorkerReply);
    })().catch((error: unknown) =>
      port.postMessage({ kind: 'error', message: (error as Error).message } satisfies WorkerReply),
    );
    return;
  }
  queue.push({ id: msg.id, decoding: decodeChunk(msg.files) });
  drain().catch((error: unknown) =>
    port.postMessage({ kind: 'error', message: (error as Error).message } satisfies WorkerReply),
  );
});
