// Reading a clip's frames in the worker: what each frame is sent as, and how a cancelled or failed frame stops the reading.
import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../../../core';
import type { FrameInput, FrameOutcome } from '../../../inference';
import { clipFramesToRead, readClipFrames } from './readClip';

const frame = (index: number, timeMs: number, value: number) => ({
  index,
  timeMs,
  pixels: { width: 2, height: 1, data: new Uint8ClampedArray(8).fill(value) },
});

describe('clipFramesToRead', () => {
  it('sends a copy of each frame, named by clip and time, so the clip keeps its own pixels', () => {
    const frames = [frame(0, 0, 10), frame(5, 1234, 20)];
    const toRead = clipFramesToRead(frames, 'lung-left.mp4', { x: 1, y: 0, width: 1, height: 1 });
    expect(toRead.map((f) => [f.index, f.timeMs, f.input.name])).toEqual([
      [0, 0, 'lung-left.mp4 at 0.00 s'],
      [5, 1234, 'lung-left.mp4 at 1.23 s'],
    ]);
    expect(toRead[1]!.input.crop).toEqual({ x: 1, y: 0, width: 1, height: 1 });
    const sent = toRead[0]!.input.pixels!.data;
    expect(sent).not.toBe(frames[0]!.pixels.data);
    sent.fill(0); // what a transfer to the worker does to the sender's view
    expect(frames[0]!.pixels.data[0]).toBe(10);
  });

  it('reads recorded frames whole, and leaves the region to the worker when none was found', () => {
    const [whole] = clipFramesToRead([frame(0, 0, 1)], 'capture', 'whole');
    expect(whole!.input.crop).toEqual({ x: 0, y: 0, width: 2, height: 1 });
    const [found] = clipFramesToRead([frame(0, 0, 1)], 'clip.mp4', null);
    expect('crop' in found!.input).toBe(false);
  });
});

describe('readClipFrames', () => {
  const result = (name: string) => ({ name, probabilities: {} }) as unknown as FrameResult;
  it('reads in calls of eight and stops at a frame the model failed on, with nothing partial to store', async () => {
    const calls: number[] = [];
    const client = {
      classify: (inputs: FrameInput[]): Promise<FrameOutcome[]> => {
        calls.push(inputs.length);
        return Promise.resolve(
          inputs.map((f) =>
            f.name === 'clip at 1.00 s'
              ? { ok: false, name: f.name, code: 'inference-failed', message: 'out of memory' }
              : { ok: true, result: result(f.name!) },
          ),
        );
      },
    };
    const frames = clipFramesToRead(
      Array.from({ length: 12 }, (_, i) => frame(i, i * 100, i)),
      'clip',
    );
    const read = await readClipFrames(client, frames);
    expect(calls).toEqual([8, 4]);
    expect(read.incomplete?.message).toBe('out of memory');
    expect(read.readings).toHaveLength(10); // the two frames read before it in its call count; nothing after
  });
});
