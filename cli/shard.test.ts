// `--shard i/n`: parsing, and that n shards split any list of paths exactly once.
import { describe, expect, it } from 'vitest';
import { inShard, parseShard } from './shard';

describe('shards', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '-1/2'])
      expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('puts every path in exactly one of n shards, roughly evenly', () => {
    const paths = Array.from({ length: 5000 }, (_, i) => `exam ${i % 37}/frame-${i}.png`);
    for (const n of [1, 2, 3, 7]) {
      const counts = Array.from(
        { length: n },
        (_, i) => paths.filter((p) => inShard(p, { index: i + 1, count: n })).length,
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(paths.length);
      for (const p of paths.slice(0, 200))
        expect(
          Array.from({ length: n }, (_, i) => inShard(p, { index: i + 1, count: n })).filter(Boolean),
        ).toHaveLength(1);
      for (const c of counts) expect(c).toBeGreaterThan((paths.length / n) * 0.8);
    }
  });
});
