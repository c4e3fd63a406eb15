// Re-scoring on fake-indexeddb with a stand-in worker: a clip case is read again frame by frame into one clip read-out, stored per model version beside a frame case's.

import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ClassId, FrameResult } from '../../core';
import type { FrameInput, FrameOutcome } from '../../inference';
import { deleteAllCases, getCase, saveCase, type NewCase } from '../../store';
import { newRescoreJob, rescoreCases } from './rescoreCases';

// fake-indexeddb is this file's own; each test starts from an empty library.
beforeEach(async () => {
  await deleteAllCases();
});

const blob = (bytes: number[], type: string) => new Blob([new Uint8Array(bytes)], { type });

function probabilities(top: ClassId, p: number): Record<ClassId, number> {
  const rest = (1 - p) / 3;
  return { a_lines: rest, b_lines: rest, pleural_effusion: rest, consolidation: rest, [top]: p };
}

function result(top: ClassId, p: number, pass: boolean): FrameResult {
  return {
    probabilities: probabilities(top, p),
    top,
    runnerUp: top === 'a_lines' ? 'b_lines' : 'a_lines',
    lowConfidence: p < 0.5,
    inferenceMs: 2,
    totalMs: 3,
    backend: 'wasm',
    modelId: 'fixture-tiny',
    modelVersion: '2.0.0',
    crop: { x: 0, y: 0, width: 10, height: 10 },
    frameWidth: 10,
    frameHeight: 10,
    cropDetected: false,
    gate: pass
      ? { pass: true, modelChecked: true, reason: null, message: '' }
      : { pass: false, modelChecked: true, reason: 'unfamiliar', message: 'Not a lung view.' },
  } as FrameResult;
}

/** A stand-in worker that answers by the frame's name: "… at 0.00 s" etc. for clip frames, else a frame. */
function fakeClient(answers: Record<string, FrameOutcome>) {
  const calls: FrameInput[][] = [];
  return {
    calls,
    classify: (frames: FrameInput[]) => {
      calls.push(frames);
      return Promise.resolve(frames.map((f) => answers[f.name!]!));
    },
  };
}

const base = {
  imageKind: 'cropped' as const,
  imageWidth: 10,
  imageHeight: 10,
  thumbnail: blob([1], 'image/jpeg'),
  crop: { x: 0, y: 0, width: 10, height: 10 },
  frameWidth: 10,
  frameHeight: 10,
  label: 'b_lines' as const,
  reader: 'AB',
  examId: '',
  zone: '',
  notes: '',
};

function clipCase(): NewCase {
  const frames = [0, 1, 2, 3].map((i) => ({
    image: blob([0xff, 0xd8, i], 'image/jpeg'),
    index: i,
    timeMs: i * 500,
  }));
  return {
    ...base,
    source: 'cine.mp4',
    image: frames[0]!.image,
    clip: {
      origin: 'video',
      format: 'MP4 video',
      frameRate: 2,
      durationMs: 2000,
      sampling: { framesInClip: 4, framesSampled: 4, everyFrame: true, limit: 64 },
      frames,
      technical: null,
    },
  };
}

describe('re-scoring clip cases', () => {
  it('reads every stored frame, stores the mean over the frames the gate passed with the counts, model version and backend', async () => {
    const clip = (await saveCase(clipCase())).record;
    const frame = (await saveCase({ ...base, source: 'scan.png', image: blob([0x89, 0x50, 1], 'image/png') }))
      .record;
    const client = fakeClient({
      'cine.mp4 at 0.00 s': { ok: true, result: result('b_lines', 0.8, true) },
      'cine.mp4 at 0.50 s': { ok: true, result: result('b_lines', 0.6, true) },
      'cine.mp4 at 1.00 s': { ok: true, result: result('a_lines', 0.9, false) },
      'cine.mp4 at 1.50 s': { ok: false, name: 'x', code: 'corrupt-image', message: 'damaged' },
      'scan.png': { ok: true, result: result('consolidation', 0.7, true) },
    });
    const job = await rescoreCases(newRescoreJob([clip.id, frame.id], 'fixture-tiny', '2.0.0'), client, {
      batchSize: 8,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      threshold: 0.5,
    });
    expect(job).toMatchObject({ state: 'finished', scored: 2, refused: 0, failed: 0, remaining: [] });
    // The clip's frames are read whole (they are the clip's region already).
    const clipCall = client.calls.find((c) => c[0]!.name!.startsWith('cine'))!;
    expect(clipCall.map((f) => f.crop)).toEqual(Array(4).fill({ x: 0, y: 0, width: 10, height: 10 }));

    const p = (await getCase(clip.id))!.predictions['fixture-tiny@2.0.0']!;
    expect(p).toMatchObject({
      status: 'scored',
      top: 'b_lines',
      backend: 'wasm',
      modelVersion: '2.0.0',
      clip: { framesSampled: 4, framesRead: 2, framesRefused: 1, framesUnreadable: 1 },
    });
    // The mean of the two frames the gate passed (0.8 and 0.6), not of the refused one.
    expect(p.status === 'scored' && p.probabilities.b_lines).toBeCloseTo(0.7, 6);
    const f = (await getCase(frame.id))!.predictions['fixture-tiny@2.0.0']!;
    expect(f).toMatchObject({ status: 'scored', top: 'consolidation' });
    expect(f.clip).toBeUndefined();
  });

  it('a clip whose frames the gate refuses is stored as refused, with what the model would say', async () => {
    const clip = (await saveCase(clipCase())).record;
    const refused = { ok: true as const, result: result('a_lines', 0.9, false) };
    const client = fakeClient(
      Object.fromEntries([0, 0.5, 1, 1.5].map((t) => [`cine.mp4 at ${t.toFixed(2)} s`, refused])),
    );
    const job = await rescoreCases(newRescoreJob([clip.id], 'fixture-tiny', '2.0.0'), client, {
      batchSize: 8,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      threshold: 0.5,
    });
    expect(job).toMatchObject({ scored: 0, refused: 1 });
    expect((await getCase(clip.id))!.predictions['fixture-tiny@2.0.0']).toMatchObject({
      status: 'refused',
      code: 'clip-refused',
      top: 'a_lines',
      backend: 'wasm',
      clip: { framesRead: 0, framesRefused: 4 },
    });
  });
});
