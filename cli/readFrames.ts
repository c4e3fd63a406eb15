// Reads and decodes the files of one chunk into frames for the inference worker, or names why a file could not be read.
import { readFile } from 'node:fs/promises';
import { decodeImageBuffer } from '../node/index.ts';
import type { RgbaImage } from '../src/core/index.ts';
import { InputProblem } from '../src/sources/inputProblem.ts';

export interface ScoreFile {
  /** Absolute path on disk. */
  file: string;
  /** Path inside the scored folder, used in messages and the CSV. */
  path: string;
}

/** One file of a chunk: its frame, or the problem that kept it from being one; ms is read + decode time. */
export type ReadFrame =
  | { path: string; ok: true; frame: { pixels: RgbaImage; name: string }; ms: number }
  | { path: string; ok: false; code: string; reason: string; ms: number };

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

/**
 * Reads and decodes one chunk. sharp decodes on libuv threads, so the next chunk decodes while the worker
 * threads classify the current one, and the main thread stays free to feed them.
 */
export function readChunk(files: readonly ScoreFile[]): Promise<ReadFrame[]> {
  return Promise.all(
    files.map(async ({ file, path }): Promise<ReadFrame> => {
      const t0 = performance.now();
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        return {
          path,
          ok: false,
          ms: performance.now() - t0,
          ...readProblem(error as NodeJS.ErrnoException, path),
        };
      }
      try {
        const decoded = await decodeImageBuffer(bytes, path);
        return { path, ok: true, frame: { pixels: decoded.image, name: path }, ms: performance.now() - t0 };
      } catch (error) {
        const p =
          error instanceof InputProblem
            ? error
            : new InputProblem('corrupt-image', `${path}: ${(error as Error).message}`);
        return { path, ok: false, ms: performance.now() - t0, code: p.code, reason: p.message };
      }
    }),
  );
}
