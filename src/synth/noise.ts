// Smooth random fields (1-D and 2-D value noise, fractal sums) that give anatomy its irregular shapes and textures.
import type { Random } from './random.ts';

/** Smooth 1-D noise, unit variance at the knots, evaluated in knot units (x = 0 … knots - 1). */
export class Noise1D {
  private readonly values: Float32Array;

  constructor(rng: Random, knots: number) {
    this.values = new Float32Array(Math.max(2, Math.ceil(knots)) + 2);
    for (let k = 0; k < this.values.length; k++) this.values[k] = rng.normal();
  }

  at(x: number): number {
    const n = this.values.length - 1;
    const cx = x < 0 ? 0 : x > n - 1e-6 ? n - 1e-6 : x;
    const k = Math.floor(cx);
    const f = cx - k;
    const s = f * f * (3 - 2 * f);
    return this.values[k]! * (1 - s) + this.values[k + 1]! * s;
  }
}

/** Sum of octaves with halving amplitude: ragged 1/f-like borders (shred lines, diseased pleura). */
export class FractalNoise1D {
  private readonly octaves: Array<{ noise: Noise1D; knots: number }> = [];
  private readonly norm: number;

  constructor(rng: Random, baseKnots: number, octaves: number) {
    let amp = 1;
    let sq = 0;
    for (let o = 0; o < octaves; o++) {
      const knots = baseKnots * 2 ** o;
      this.octaves.push({ noise: new Noise1D(rng, knots + 2), knots });
      sq += amp * amp;
      amp *= 0.5;
    }
    this.norm = 1 / Math.sqrt(sq);
  }

  /** x in [0, 1] across the whole extent. */
  at(x: number): number {
    let amp = 1;
    let sum = 0;
    for (const { noise, knots } of this.octaves) {
      sum += amp * noise.at(x * knots);
      amp *= 0.5;
    }
    return sum * this.norm;
  }
}

/** Smooth 2-D noise on a coarse grid, bilinear with smoothstep; coordinates in cells. */
export class Noise2D {
  private readonly values: Float32Array;
  readonly nx: number;
  readonly ny: number;

  constructor(rng: Random, nx: number, ny: number) {
    this.nx = Math.max(2, Math.ceil(nx) + 2);
    this.ny = Math.max(2, Math.ceil(ny) + 2);
    this.values = new Float32Array(this.nx * this.ny);
    for (let k = 0; k < this.values.length; k++) this.values[k] = rng.normal();
  }

  at(x: number, y: number): number {
    const cx = x < 0 ? 0 : x > this.nx - 1.000001 ? this.nx - 1.000001 : x;
    const cy = y < 0 ? 0 : y > this.ny - 1.000001 ? this.ny - 1.000001 : y;
    const ix = Math.floor(cx);
    const iy = Math.floor(cy);
    let fx = cx - ix;
    let fy = cy - iy;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    const k = iy * this.nx + ix;
    const v = this.values;
    const top = v[k]! * (1 - fx) + v[k + 1]! * fx;
    const bottom = v[k + this.nx]! * (1 - fx) + v[k + this.nx + 1]! * fx;
    return top * (1 - fy) + bottom * fy;
  }
}
