// Measures the phantom-vs-real gap per sign (histograms, speckle size, sector geometry, depth profile) and runs the discriminator.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { CLASS_IDS, type ClassId } from '../../src/core/frame/index.ts';
import { generatePhantom } from '../../src/synth/index.ts';

const { values } = parseArgs({
  options: {
    real: { type: 'string', default: '../shared/data/pocus-lus' },
    work: { type: 'string', default: '/work/data/realism' },
    per: { type: 'string', default: '175' },
    seed: { type: 'string', default: '7' },
    'no-discriminator': { type: 'boolean', default: false },
    epochs: { type: 'string', default: '8' },
    out: { type: 'string', default: 'docs/real-compare/realism.json' },
    // The real set is cropped exports without on-screen text; phantoms are compared the same way by default.
    overlays: { type: 'string', default: 'off' },
  },
});

// Everything is compared at one size, after the same resize, so pixel statistics are comparable.
const W = 320;
const H = 240;
const realDir = resolve(values.real!);
const workDir = resolve(values.work!);

interface Frame {
  grey: Uint8Array;
  group: string;
}

interface Stats {
  histogram: number[];
  meanGrey: number;
  speckleX: number;
  speckleY: number;
  /** Fraction of the frame that is imaged (not near-black background). */
  coverage: number;
  /** Imaged width in the top and bottom tenth of the frame, as fractions of the frame width. */
  topWidth: number;
  bottomWidth: number;
  depthProfile: number[];
  /** Mean absolute Laplacian over imaged pixels: how much fine, pixel-scale detail (speckle grain, edges) there is. */
  sharpness: number;
}

async function loadReal(classId: ClassId): Promise<Frame[]> {
  const dir = join(realDir, classId);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  return Promise.all(
    files.map(async (f) => ({
      grey: new Uint8Array(
        await sharp(join(dir, f)).greyscale().resize(W, H, { fit: 'fill' }).raw().toBuffer(),
      ),
      group: `real:${f.replace(/_f\d+\.jpg$/, '')}`,
    })),
  );
}

function makePhantoms(classId: ClassId, count: number, seed: number): Frame[] {
  const out: Frame[] = [];
  for (let n = 0; n < count; n++) {
    const s = seed * 1_000_003 + CLASS_IDS.indexOf(classId) * 10_007 + n;
    const overlays = values.overlays === 'on' ? true : values.overlays === 'random' ? 'random' : false;
    const p = generatePhantom({ classId, width: W, height: H, seed: s, overlays });
    out.push({ grey: new Uint8Array(p.image.data), group: `phantom:${classId}:${n}` });
  }
  return out;
}

/** Autocorrelation width (pixels at half height) of the high-passed centre of the image: the speckle size. */
function speckleSize(g: Uint8Array): [number, number] {
  const size = 48;
  const x0 = Math.floor(W / 2 - size / 2);
  const y0 = Math.floor(H * 0.55 - size / 2);
  const patch = new Float64Array(size * size);
  let mean = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) mean += patch[y * size + x] = g[(y0 + y) * W + x0 + x]!;
  mean /= size * size;
  // Remove the slow trend (3×3 box-free: subtract a 7×7 local mean) so only speckle-scale texture remains.
  const hp = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = 0;
      let n = 0;
      for (let dy = -3; dy <= 3; dy++) {
        for (let dx = -3; dx <= 3; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= size || xx < 0 || xx >= size) continue;
          acc += patch[yy * size + xx]!;
          n++;
        }
      }
      hp[y * size + x] = patch[y * size + x]! - acc / n;
    }
  }
  void mean;
  const corr = (dx: number, dy: number): number => {
    let acc = 0;
    for (let y = 0; y < size - dy; y++)
      for (let x = 0; x < size - dx; x++) acc += hp[y * size + x]! * hp[(y + dy) * size + x + dx]!;
    return acc / ((size - dx) * (size - dy));
  };
  const c0 = corr(0, 0);
  if (c0 <= 1e-9) return [NaN, NaN];
  const width = (axis: 'x' | 'y'): number => {
    let prev = 1;
    for (let d = 1; d < 8; d++) {
      const c = (axis === 'x' ? corr(d, 0) : corr(0, d)) / c0;
      if (c < 0.5) return 2 * (d - 1 + (prev - 0.5) / (prev - c));
      prev = c;
    }
    return 16;
  };
  return [width('x'), width('y')];
}

function stats(g: Uint8Array): Stats {
  const histogram = new Array<number>(16).fill(0);
  let sum = 0;
  let imaged = 0;
  for (let k = 0; k < g.length; k++) {
    histogram[g[k]! >> 4]! += 1 / g.length;
    sum += g[k]!;
    if (g[k]! > 8) imaged++;
  }
  const rowWidth = (y0: number, y1: number): number => {
    let acc = 0;
    for (let y = y0; y < y1; y++) {
      let lo = W;
      let hi = -1;
      for (let x = 0; x < W; x++) {
        if (g[y * W + x]! > 8) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
      acc += hi >= lo ? (hi - lo + 1) / W : 0;
    }
    return acc / (y1 - y0);
  };
  const depthProfile: number[] = [];
  for (let b = 0; b < 10; b++) {
    let acc = 0;
    let n = 0;
    for (let y = (b * H) / 10; y < ((b + 1) * H) / 10; y++) {
      for (let x = W / 4; x < (3 * W) / 4; x++) {
        acc += g[y * W + x]!;
        n++;
      }
    }
    depthProfile.push(acc / n);
  }
  const [speckleX, speckleY] = speckleSize(g);
  let lap = 0;
  let lapCount = 0;
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const k = y * W + x;
      if (g[k]! <= 8 || g[k - 1]! <= 8 || g[k + 1]! <= 8 || g[k - W]! <= 8 || g[k + W]! <= 8) continue;
      lap += Math.abs(4 * g[k]! - g[k - 1]! - g[k + 1]! - g[k - W]! - g[k + W]!);
      lapCount++;
    }
  }
  return {
    sharpness: lap / Math.max(1, lapCount),
    histogram,
    meanGrey: sum / g.length,
    speckleX,
    speckleY,
    coverage: imaged / g.length,
    topWidth: rowWidth(0, H / 10),
    bottomWidth: rowWidth((9 * H) / 10, H),
    depthProfile,
  };
}

function average(all: Stats[]): Stats {
  const n = all.length;
  const mean = (f: (s: Stats) => number): number => {
    const v = all.map(f).filter(Number.isFinite);
    return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  };
  return {
    histogram: all[0]!.histogram.map((_, k) => all.reduce((a, s) => a + s.histogram[k]!, 0) / n),
    meanGrey: mean((s) => s.meanGrey),
    sharpness: mean((s) => s.sharpness),
    speckleX: mean((s) => s.speckleX),
    speckleY: mean((s) => s.speckleY),
    coverage: mean((s) => s.coverage),
    topWidth: mean((s) => s.topWidth),
    bottomWidth: mean((s) => s.bottomWidth),
    depthProfile: all[0]!.depthProfile.map((_, k) => all.reduce((a, s) => a + s.depthProfile[k]!, 0) / n),
  };
}

/** Earth mover's distance between two 16-bin grey histograms, in grey levels. */
function histogramDistance(a: number[], b: number[]): number {
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let k = 0; k < a.length; k++) {
    ca += a[k]!;
    cb += b[k]!;
    d += Math.abs(ca - cb) * 16;
  }
  return d;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

async function main(): Promise<void> {
  if (!existsSync(realDir)) {
    console.error(`no real frames at ${realDir}`);
    process.exit(2);
  }
  rmSync(workDir, { recursive: true, force: true });
  const report: Record<string, unknown> = {
    size: `${W}x${H}`,
    overlays: values.overlays,
    perSign: {} as Record<string, unknown>,
  };
  const perSign = report.perSign as Record<string, unknown>;
  const lines: string[] = [];
  for (const classId of CLASS_IDS) {
    const real = await loadReal(classId);
    const phantoms = makePhantoms(classId, Number(values.per), Number(values.seed));
    const rs = average(real.map((f) => stats(f.grey)));
    const ps = average(phantoms.map((f) => stats(f.grey)));
    const profileGap = rs.depthProfile.reduce((a, v, k) => a + Math.abs(v - ps.depthProfile[k]!), 0) / 10;
    perSign[classId] = {
      real: {
        frames: real.length,
        ...rs,
        histogram: rs.histogram.map(r2),
        depthProfile: rs.depthProfile.map(r2),
      },
      phantom: {
        frames: phantoms.length,
        ...ps,
        histogram: ps.histogram.map(r2),
        depthProfile: ps.depthProfile.map(r2),
      },
      histogramEmd: r2(histogramDistance(rs.histogram, ps.histogram)),
      depthProfileGap: r2(profileGap),
    };
    lines.push(
      `${classId.padEnd(17)} mean ${rs.meanGrey.toFixed(0)}/${ps.meanGrey.toFixed(0)}  hist EMD ${histogramDistance(rs.histogram, ps.histogram).toFixed(1)}` +
        `  speckle x ${rs.speckleX.toFixed(1)}/${ps.speckleX.toFixed(1)} y ${rs.speckleY.toFixed(1)}/${ps.speckleY.toFixed(1)} px` +
        `  coverage ${rs.coverage.toFixed(2)}/${ps.coverage.toFixed(2)}  top width ${rs.topWidth.toFixed(2)}/${ps.topWidth.toFixed(2)}` +
        `  bottom width ${rs.bottomWidth.toFixed(2)}/${ps.bottomWidth.toFixed(2)}  depth-profile gap ${profileGap.toFixed(1)}` +
        `  sharpness ${rs.sharpness.toFixed(1)}/${ps.sharpness.toFixed(1)}`,
    );
    lines.push(`${''.padEnd(17)} depth profile real ${rs.depthProfile.map((v) => v.toFixed(0)).join(' ')}`);
    lines.push(`${''.padEnd(17)} depth profile synth ${ps.depthProfile.map((v) => v.toFixed(0)).join(' ')}`);
    // Frames for the discriminator, both sides as lossless PNG at the common size: the Python side applies the
    // same crop, resize and JPEG round trip to both.
    for (const [side, frames] of [
      ['real', real],
      ['phantom', phantoms],
    ] as const) {
      const dir = join(workDir, side, classId);
      mkdirSync(dir, { recursive: true });
      await Promise.all(
        frames.map((f, k) =>
          sharp(Buffer.from(f.grey), { raw: { width: W, height: H, channels: 1 } })
            .png()
            .toFile(join(dir, `${f.group.replace(/[^A-Za-z0-9_.-]+/g, '_')}__${k}.png`)),
        ),
      );
    }
  }
  console.log('per sign: real/phantom');
  for (const l of lines) console.log(l);
  if (!values['no-discriminator']) {
    const py = spawnSync(
      '/usr/bin/python3',
      [
        'training/realism_discriminator.py',
        '--data',
        workDir,
        '--epochs',
        values.epochs!,
        '--json',
        join(workDir, 'discriminator.json'),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (py.status !== 0) console.error('discriminator failed');
    else {
      const { readFileSync } = await import('node:fs');
      report.discriminator = JSON.parse(readFileSync(join(workDir, 'discriminator.json'), 'utf8'));
    }
  }
  mkdirSync(resolve(values.out!, '..'), { recursive: true });
  writeFileSync(values.out!, JSON.stringify(report, null, 1));
  console.log(`wrote ${values.out}`);
}

await main();
