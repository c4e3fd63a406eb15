// `--shard i/n`: which files of a folder one machine (or one job of a cluster array) scores.

/** A 1-based shard number and the shard count, as `--shard 2/8` gives them. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(Number.isInteger(index) && Number.isInteger(count) && count >= 1 && index >= 1 && index <= count)) {
    throw new Error(`--shard must be i/n with 1 ≤ i ≤ n (for example 1/4), not "${text}"`);
  }
  return { index, count };
}

/** FNV-1a over the path's UTF-16 code units: tiny, stable across Node versions and machines. */
export function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A file belongs to shard `hash(path) mod n + 1`, the path being relative to the scored folder with '/'
 * separators. By hash rather than by position in the sorted list, so a file keeps its shard when others
 * are added to or removed from the archive, and every shard decides alone without listing the others.
 */
export function inShard(path: string, shard: Shard | null): boolean {
  return !shard || pathHash(path) % shard.count === shard.index - 1;
}
