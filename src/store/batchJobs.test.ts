// Batch progress on fake-indexeddb: a scored row comes back with its gate verdict and heat map intact.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { batchJobRows, saveBatchJob, saveBatchRows, type BatchJob, type BatchJobRow } from './batchJobs';

describe('batch job rows', () => {
  it('store and return the heat map (a Float32Array) and the gate verdict of a scored row', async () => {
    const job: BatchJob = {
      id: 'job-1',
      folderName: 'ward-audit',
      modelKey: 'm@1',
      startedAt: 1,
      updatedAt: 2,
      total: 2,
      done: 2,
      state: 'running',
    };
    const values = new Float32Array(7 * 7 * 4).map((_, i) => i / 10);
    const score = {
      probabilities: { a_lines: 0.1, b_lines: 0.7, pleural_effusion: 0.1, consolidation: 0.1 },
      top: 'b_lines' as const,
      lowConfidence: false,
      backend: 'wasm' as const,
      modelId: 'm',
      modelVersion: '1',
      crop: { x: 4, y: 5, width: 100, height: 90 },
      frameWidth: 120,
      frameHeight: 100,
    };
    const rows: BatchJobRow[] = [
      {
        jobId: job.id,
        path: 'B-lines/1.png',
        size: 10,
        lastModified: 3,
        label: 'b_lines',
        status: 'scored',
        ms: 12,
        score: {
          ...score,
          gate: { pass: true, message: 'ok' },
          heatMap: {
            width: 7,
            height: 7,
            values,
            inputWidth: 224,
            inputHeight: 224,
            content: { x: 0, y: 12, width: 224, height: 200 },
          },
        },
      },
      {
        jobId: job.id,
        path: 'photo.png',
        size: 11,
        lastModified: 3,
        label: null,
        status: 'scored',
        ms: 9,
        score: {
          ...score,
          gate: { pass: false, reason: 'colour-photo', message: 'This looks like a colour photograph.' },
        },
      },
    ];
    await saveBatchJob(job);
    await saveBatchRows(job, rows);
    const back = await batchJobRows(job.id);
    const lung = back.find((r) => r.path === 'B-lines/1.png')!;
    expect(lung.score!.heatMap!.values).toBeInstanceOf(Float32Array);
    expect(Array.from(lung.score!.heatMap!.values)).toEqual(Array.from(values));
    expect(lung.score!.heatMap!.content).toEqual({ x: 0, y: 12, width: 224, height: 200 });
    expect(back.find((r) => r.path === 'photo.png')!.score!.gate).toEqual({
      pass: false,
      reason: 'colour-photo',
      message: 'This looks like a colour photograph.',
    });
  });
});
