// Beam-space anatomy: echo power, attenuation and structure labels for chest wall, ribs, pleura and each sign's lung content.
import { type BeamGrid, isSector, lineSpacingMm } from './geometry.ts';
import { FractalNoise1D, Noise1D, Noise2D } from './noise.ts';
import type { AeratedLungParams, ConsolidationContent, EffusionContent, PhantomParams } from './params.ts';
import { Random } from './random.ts';

/** Bit flags of the per-sample structure labels (one mask each in the output). */
export const LABEL = { pleura: 1, aLines: 2, bLines: 4, effusion: 8, consolidation: 16 } as const;

/** Time-varying displacements for cine; zero for stills. */
export interface Motion {
  /** Lateral slide of everything under the pleura (lung sliding). */
  lungShiftMm: number;
  /** How far the deep lung line has moved towards the pleura (sinusoid sign). */
  lungLineShiftMm: number;
}

export const STILL: Motion = { lungShiftMm: 0, lungLineShiftMm: 0 };

export interface BeamScene {
  grid: BeamGrid;
  /** Linear echo power (muscle = 1), layout [sample * lines + line]. */
  power: Float32Array;
  /** Two-way attenuation (dB) added by each sample step. */
  attenuation: Float32Array;
  labels: Uint8Array;
  /** Pleural depth per line (mm): where lung sliding starts. */
  pleuraMm: Float32Array;
  /** Samples above which bright specular reflectors of the chest wall may appear. */
  specularUntil: Int32Array;
}

const pow10 = (db: number): number => Math.exp(db * 0.2302585092994046);

interface Interval {
  lo: number;
  hi: number;
}

/** The lung the beam can see: the lateral span minus the ribs' shadows. */
function freeIntervals(lo: number, hi: number, blocked: Interval[]): Interval[] {
  let free: Interval[] = [{ lo, hi }];
  for (const b of blocked) {
    const next: Interval[] = [];
    for (const f of free) {
      if (b.hi <= f.lo || b.lo >= f.hi) next.push(f);
      else {
        if (b.lo > f.lo) next.push({ lo: f.lo, hi: b.lo });
        if (b.hi < f.hi) next.push({ lo: b.hi, hi: f.hi });
      }
    }
    free = next;
  }
  return free.filter((f) => f.hi - f.lo > 0.5);
}

function placeInFree(frac: number, free: Interval[], fallbackLo: number, fallbackHi: number): number {
  const total = free.reduce((s, f) => s + (f.hi - f.lo), 0);
  if (total <= 0) return fallbackLo + frac * (fallbackHi - fallbackLo);
  let t = Math.min(Math.max(frac, 0), 1) * total;
  for (const f of free) {
    const len = f.hi - f.lo;
    if (t <= len) return f.lo + t;
    t -= len;
  }
  const last = free[free.length - 1]!;
  return last.hi;
}

/**
 * A thin layer's weight at a distance from its centre: flat, with edges only 0.15 mm soft. The point-spread
 * blur does the smoothing; a Gaussian here would look several millimetres thick after log compression.
 */
export const slab = (dist: number, half: number): number => {
  const a = Math.abs(dist) - half;
  return a <= -0.15 ? 1 : a >= 0.15 ? 0 : 0.5 - a / 0.3;
};

const bandProfile = (u: number): number => {
  const a = Math.abs(u);
  if (a <= 0.4) return 1;
  if (a >= 1) return 0;
  return 0.5 + 0.5 * Math.cos(((a - 0.4) / 0.6) * Math.PI);
};

export function buildScene(params: PhantomParams, grid: BeamGrid, motion: Motion = STILL): BeamScene {
  const L = grid.lines;
  const S = grid.samples;
  const dr = grid.dr;
  const D = grid.geometry.depthMm;
  const n = L * S;
  const power = new Float32Array(n);
  const attenuation = new Float32Array(n);
  const labels = new Uint8Array(n);
  const pleuraMm = new Float32Array(L);
  // A-lines repeat the pleura's smooth course: a rough pleura scatters rather than mirrors.
  const smoothPleuraMm = new Float32Array(L);
  const specularUntil = new Int32Array(L);

  const rng = new Random(params.textureSeed);
  const wall = params.chestWall;
  const pleura = params.pleura;
  const probe = params.probe;
  const xiLo = grid.lateralMm[0]!;
  const xiHi = grid.lateralMm[L - 1]!;
  const span = xiHi - xiLo;
  const dp0 = wall.pleuraDepthMm;
  const tissueStep = (2 * wall.attenuationDbPerCmMHz * probe.frequencyMHz * dr) / 10;

  // Pleural depth per line: arc of constant range blended towards a straight line, tilted, roughened.
  const roughNoise = new Noise1D(rng.fork(), span / pleura.roughnessScaleMm + 2);
  const tilt = Math.tan((wall.pleuraTiltDeg * Math.PI) / 180);
  for (let i = 0; i < L; i++) {
    const xi = grid.lateralMm[i]!;
    let d = dp0;
    if (isSector(probe.kind)) {
      const theta = grid.lineCoord[i]!;
      const flat = (probe.radiusMm + dp0) / Math.cos(theta) - probe.radiusMm;
      d = (1 - wall.pleuraFlatness) * dp0 + wall.pleuraFlatness * flat;
    }
    d += tilt * xi;
    smoothPleuraMm[i] = Math.min(Math.max(d, 5), D * 0.45);
    d += pleura.roughnessMm * roughNoise.at((xi - xiLo) / pleura.roughnessScaleMm);
    pleuraMm[i] = Math.min(Math.max(d, 5), D * 0.45);
  }

  // Ribs: lateral extent, shadow weight per line and the visible lung between them.
  const ribWeight = new Float32Array(L);
  const ribTop = new Float32Array(L).fill(Infinity);
  const ribCortexDb = new Float32Array(L);
  const ribShadowDb = new Float32Array(L);
  const blocked: Interval[] = [];
  for (const rib of wall.ribs) {
    const c = xiLo + rib.centerFrac * span;
    const half = rib.widthMm / 2;
    blocked.push({ lo: c - half - 1.5, hi: c + half + 1.5 });
    for (let i = 0; i < L; i++) {
      const u = (grid.lateralMm[i]! - c) / half;
      if (Math.abs(u) >= 1) continue;
      const w = Math.abs(u) < 0.8 ? 1 : 0.5 + 0.5 * Math.cos(((Math.abs(u) - 0.8) / 0.2) * Math.PI);
      if (w > ribWeight[i]!) {
        ribWeight[i] = w;
        ribTop[i] = pleuraMm[i]! - rib.aboveMm + 2.5 * u * u;
        ribCortexDb[i] = rib.cortexDb;
        ribShadowDb[i] = rib.shadowDb;
      }
    }
  }
  const free = freeIntervals(xiLo, xiHi, blocked);
  const place = (frac: number): number => placeInFree(frac, free, xiLo, xiHi);

  // Chest wall layers: thicknesses scale with the local pleural depth so layers stay parallel to it.
  const muscleBounds: number[] = [];
  let acc = wall.skinMm + wall.fatMm;
  for (const m of wall.muscles) {
    acc += m.thicknessMm;
    muscleBounds.push(acc);
  }
  const boundaryNoise = [0, 1, 2, 3, 4].map(() => new Noise1D(rng.fork(), span / 12 + 2));
  const fatTexture = new Noise2D(rng.fork(), span / 3 + 2, D / 2 + 2);
  const muscleTexture = new Noise2D(rng.fork(), span / 4 + 2, D / 1.5 + 2);
  const pleuraVariation = new Noise1D(rng.fork(), span / 4 + 2);
  const gapNoise = new Noise1D(rng.fork(), span / 3 + 2);
  const septumTilts = wall.septa.map((s) => Math.tan((s.tiltDeg * Math.PI) / 180));
  const strTan = wall.muscles.map((m) => Math.tan((m.striationAngleDeg * Math.PI) / 180));
  const strCos = wall.muscles.map((m) => Math.cos((m.striationAngleDeg * Math.PI) / 180));
  const pSkin = pow10(wall.skinDb);
  const pFat = pow10(wall.fatDb);
  const pFascia = pow10(wall.fasciaDb);
  const pNear = pow10(wall.nearFieldDb);
  // Fragmented pleura: gaps where the smooth noise falls below the matching quantile.
  const gapThreshold = pleura.fragmentation > 0 ? -1.2 + 2.4 * pleura.fragmentation - 0.2 : -Infinity;

  const lungPainter = createLungPainter({
    params,
    grid,
    rng: rng.fork(),
    place,
    motion,
    pleuraMm,
    smoothPleuraMm,
  });

  for (let i = 0; i < L; i++) {
    const xi = grid.lateralMm[i]!;
    const d = pleuraMm[i]!;
    const s = (d - wall.skinMm) / Math.max(1, dp0 - wall.skinMm);
    const fatEnd = wall.skinMm + wall.fatMm * s + 0.6 * boundaryNoise[0]!.at((xi - xiLo) / 12);
    const bounds = muscleBounds.map(
      (b, m) =>
        wall.skinMm +
        (b - wall.skinMm) * s +
        (m < muscleBounds.length - 1 ? 0.8 * boundaryNoise[(m % 4) + 1]!.at((xi - xiLo) / 12) : 0),
    );
    const pleuraVarDb = pleura.brightnessVariationDb * pleuraVariation.at((xi - xiLo) / 4);
    const gap = gapNoise.at((xi - xiLo) / 3) < gapThreshold;
    const pleuraDb = pleura.db + pleuraVarDb - (gap ? 12 : 0) - lungPainter.pleuraDropDb(i);
    const pPleura = pow10(pleuraDb);
    const rw = ribWeight[i]!;
    const rTop = ribTop[i]!;
    const cortexStep = rw > 0 ? (ribShadowDb[i]! * rw) / Math.max(1, Math.round(1.5 / dr)) : 0;
    const pCortex = pow10(ribCortexDb[i]!);
    specularUntil[i] = Math.floor((d - 1.5) / dr);
    const pleuraEnd = d + 1.5 * pleura.thicknessMm;

    for (let j = 0; j < S; j++) {
      const r = j * dr;
      const k = j * L + i;
      let p: number;
      let att = tissueStep;
      if (r < d - 1.5 * pleura.thicknessMm || r < wall.skinMm) {
        if (r < wall.skinMm) p = pSkin;
        else if (r < fatEnd) {
          p = pFat * pow10(2 * fatTexture.at((xi - xiLo) / 3, r / 2));
          for (let q = 0; q < wall.septa.length; q++) {
            const sp = wall.septa[q]!;
            const centre = wall.skinMm + (fatEnd - wall.skinMm) * sp.depthFrac + septumTilts[q]! * xi;
            const w = slab(r - centre, sp.thicknessMm / 2);
            if (w > 0) p += pow10(sp.db) * w;
          }
          const wf = slab(r - fatEnd, 0.35);
          if (wf > 0) p += pFascia * wf;
        } else {
          let m = 0;
          while (m < bounds.length - 1 && r >= bounds[m]!) m++;
          const muscle = wall.muscles[m]!;
          const phase = ((r - strTan[m]! * xi) * strCos[m]!) / muscle.striationPeriodMm;
          const stripe = 0.5 + 0.5 * Math.sin(2 * Math.PI * phase);
          const fibre = 0.5 + 0.5 * muscleTexture.at((xi - xiLo) / 4, r / 1.5);
          const db =
            muscle.db -
            3 +
            muscle.striationDb * stripe ** 4 * fibre +
            1.5 * muscleTexture.at((xi - xiLo) / 2 + 50, r / 3);
          p = pow10(db);
          if (m < bounds.length - 1) {
            const wf = slab(r - bounds[m]!, 0.4);
            if (wf > 0) p += pFascia * wf;
          }
        }
        if (r < 6) p += pNear * Math.exp(-r / 1.5);
      } else if (r < pleuraEnd) {
        // Pleural line over whatever lies below it (lung content painted from the pleura down).
        const below = r > d ? lungPainter.paint(i, j, r, k, labels) : pow10(-3);
        if (r > d) att = lungPainter.lastAttenuation(tissueStep);
        p = below + pPleura * slab(r - d, pleura.thicknessMm / 2);
        if (Math.abs(r - d) < pleura.thicknessMm / 2 + 0.3 && !gap) labels[k]! |= LABEL.pleura;
      } else {
        p = lungPainter.paint(i, j, r, k, labels);
        att = lungPainter.lastAttenuation(tissueStep);
      }
      if (rw > 0 && r >= rTop) {
        const rel = r - rTop;
        if (rel < 1.5) {
          p = p * (1 - rw) + rw * pCortex;
          att += cortexStep;
        } else if (rw > 0.5) {
          labels[k] = 0;
        }
      }
      power[k] = p;
      attenuation[k] = att;
    }
  }
  lungPainter.stamp(power, attenuation, labels);
  return { grid, power, attenuation, labels, pleuraMm, specularUntil };
}

interface LungPainter {
  /** Echo power of the lung content at (line, sample); may set labels. */
  paint(i: number, j: number, r: number, k: number, labels: Uint8Array): number;
  /** Attenuation per step of the sample just painted. */
  lastAttenuation(tissueStep: number): number;
  /** Dimming of the pleural line over a consolidation. */
  pleuraDropDb(i: number): number;
  /** Small structures stamped after the line-by-line pass (bronchograms, debris, vessels). */
  stamp(power: Float32Array, attenuation: Float32Array, labels: Uint8Array): void;
}

/** Shared by all signs: haze, streaks, A-lines, B-lines, white lung and short tails under the pleura. */
class AeratedLung {
  private readonly streaks: Noise2D;
  private readonly bandXi: number[];
  private readonly bandStriation: Noise1D[];
  private readonly tailXi: number[];
  private readonly whiteLo: number;
  private readonly whiteHi: number;
  private readonly whiteTexture: Noise1D;
  /** Signed distance of each line from its nearest B-line's axis, in half-widths at the pleura. */
  readonly bandU: Float32Array;
  readonly bandIndex: Int16Array;
  readonly whiteWeight: Float32Array;
  readonly tailWeight: Float32Array;
  readonly tailIndex: Int16Array;
  private readonly aDb: number[];
  private readonly fadePerMm: number;

  constructor(
    private readonly lung: AeratedLungParams,
    private readonly grid: BeamGrid,
    rng: Random,
    place: (frac: number) => number,
    private readonly pleuraDb: number,
    private readonly pleuraThickness: number,
    shiftMm: number,
    private readonly aLineBaseMm: Float32Array,
  ) {
    const L = grid.lines;
    const xiLo = grid.lateralMm[0]!;
    const span = grid.lateralMm[L - 1]! - xiLo;
    this.streaks = new Noise2D(rng.fork(), span / lung.streakLengthMm + 4, grid.geometry.depthMm / 1.5 + 2);
    this.bandXi = lung.bLines.map((b) => place(b.lateralFrac));
    this.bandStriation = lung.bLines.map(() => new Noise1D(rng.fork(), grid.geometry.depthMm / 1.2 + 2));
    this.tailXi = lung.tails.map((t) => place(t.lateralFrac));
    this.whiteTexture = new Noise1D(rng.fork(), span / 2 + 4);
    if (lung.whiteLung) {
      const a = place(lung.whiteLung.startFrac * (1 - lung.whiteLung.widthFrac));
      const b = place(lung.whiteLung.startFrac * (1 - lung.whiteLung.widthFrac) + lung.whiteLung.widthFrac);
      this.whiteLo = Math.min(a, b);
      this.whiteHi = Math.max(a, b);
    } else {
      this.whiteLo = Infinity;
      this.whiteHi = -Infinity;
    }
    this.bandU = new Float32Array(L).fill(Infinity);
    this.bandIndex = new Int16Array(L).fill(-1);
    this.whiteWeight = new Float32Array(L);
    this.tailWeight = new Float32Array(L);
    this.tailIndex = new Int16Array(L).fill(-1);
    for (let i = 0; i < L; i++) {
      const xi = grid.lateralMm[i]! - shiftMm;
      let best = Infinity;
      lung.bLines.forEach((b, q) => {
        const u = (xi - this.bandXi[q]!) / (b.widthMm / 2);
        // Nearest band relative to its widest extent at the bottom, since bands widen with depth.
        if (Math.abs(u) / (1 + b.spread) < best) {
          best = Math.abs(u) / (1 + b.spread);
          this.bandU[i] = u;
          this.bandIndex[i] = q;
        }
      });
      lung.tails.forEach((t, q) => {
        const w = bandProfile((xi - this.tailXi[q]!) / (t.widthMm / 2));
        if (w > this.tailWeight[i]!) {
          this.tailWeight[i] = w;
          this.tailIndex[i] = q;
        }
      });
      const edge = 2;
      const inside = Math.min(xi - this.whiteLo, this.whiteHi - xi);
      this.whiteWeight[i] =
        inside <= -edge ? 0 : inside >= edge ? 1 : 0.5 + 0.5 * Math.sin((inside / edge) * (Math.PI / 2));
    }
    this.aDb = [];
    if (lung.aLines) {
      for (let k = 2; k <= lung.aLines.count + 1; k++) {
        this.aDb.push(pleuraDb + 20 * Math.log10(lung.aLines.ratio ** (k - 1)) - lung.aLines.dimDb);
      }
    }
    // A band attenuates a fraction of tissue's ~3 dB/cm, so it fades only slowly and still reaches the bottom.
    this.fadePerMm = lung.bandAttenuationFactor * 0.3;
    this.shift = shiftMm;
  }

  private readonly shift: number;
  private pleuraAt: (i: number) => number = () => NaN;

  /** Tells the lung where the true pleura is, so A-lines can use its smooth course instead. */
  setPleura(pleuraMm: Float32Array): this {
    this.pleuraAt = (i) => pleuraMm[i]!;
    return this;
  }

  /** Power at depth r on line i under a pleura at depth d; aLinesAllowed false under consolidations. */
  paint(i: number, r: number, d: number, k: number, labels: Uint8Array, aLinesAllowed: boolean): number {
    const lung = this.lung;
    const grid = this.grid;
    const xiLo = grid.lateralMm[0]!;
    const xi = grid.lateralMm[i]! - this.shift;
    const rel = r - d;
    const hazeDb =
      this.pleuraDb +
      lung.hazeDb +
      lung.hazeNearDb * Math.exp(-rel / lung.hazeDecayMm) +
      lung.streakDb * this.streaks.at((xi - xiLo) / lung.streakLengthMm + 1, r / 1.5);
    let p = pow10(hazeDb);
    const bq = this.bandIndex[i]!;
    const wb =
      bq >= 0
        ? bandProfile(this.bandU[i]! / (1 + (lung.bLines[bq]!.spread * rel) / grid.geometry.depthMm))
        : 0;
    const ww = this.whiteWeight[i]!;
    const erase = Math.max(wb, ww);
    if (lung.aLines && aLinesAllowed && erase < 1) {
      for (let q = 0; q < this.aDb.length; q++) {
        const kk = q + 2;
        // Under a consolidation's deep border the caller passes that border; otherwise the smooth pleura.
        const c = kk * (d === this.pleuraAt(i) ? this.aLineBaseMm[i]! : d);
        if (c > grid.geometry.depthMm) break;
        const t = this.pleuraThickness * (1 + 0.4 * (kk - 1));
        const w = slab(r - c, t / 2);
        if (w > 0) {
          p += (1 - erase) * pow10(this.aDb[q]!) * w;
          if (Math.abs(r - c) < t / 2 + 0.3 && erase < 0.5) labels[k]! |= LABEL.aLines;
        }
      }
    }
    const tw = this.tailWeight[i]!;
    if (tw > 0) {
      const tail = lung.tails[this.tailIndex[i]!]!;
      if (rel < tail.lengthMm) {
        const f = rel / tail.lengthMm;
        p += tw * (1 - f) * pow10(this.pleuraDb - tail.dropDb - 14 * f);
      }
    }
    if (wb > 0) {
      const q = bq;
      const band = lung.bLines[q]!;
      const db =
        this.pleuraDb -
        band.dropDb -
        this.fadePerMm * rel +
        band.striationDb * this.bandStriation[q]!.at(r / 1.2);
      p = p * (1 - wb) + wb * pow10(db);
      if (wb >= 0.5) labels[k]! |= LABEL.bLines;
    }
    if (ww > 0 && lung.whiteLung) {
      const db =
        this.pleuraDb -
        lung.whiteLung.dropDb -
        this.fadePerMm * rel +
        3 * this.whiteTexture.at((xi - xiLo) / 2 + 1);
      p = p * (1 - ww) + ww * pow10(db);
      if (ww >= 0.5) labels[k]! |= LABEL.bLines;
    }
    return p;
  }
}

/** What every lung painter is drawn from: the scene's parameters, beam grid, random stream and pleura. */
interface PainterInputs {
  params: PhantomParams;
  grid: BeamGrid;
  rng: Random;
  place: (frac: number) => number;
  motion: Motion;
  pleuraMm: Float32Array;
  smoothPleuraMm: Float32Array;
}

/** The aerated lung under the pleura (or beside a consolidation or effusion), drawn from its own stream. */
function aeratedLungOf(inputs: PainterInputs, lung: AeratedLungParams, rng: Random): AeratedLung {
  const { params, grid, place, motion, pleuraMm, smoothPleuraMm } = inputs;
  return new AeratedLung(
    lung,
    grid,
    rng,
    place,
    params.pleura.db,
    params.pleura.thicknessMm,
    motion.lungShiftMm,
    smoothPleuraMm,
  ).setPleura(pleuraMm);
}

function createLungPainter(inputs: PainterInputs): LungPainter {
  const { params, rng, pleuraMm } = inputs;
  const content = params.content;
  if (content.kind === 'a_lines' || content.kind === 'b_lines') {
    // The whole stream, not a fork: A- and B-line scenes have drawn from it this way since generator 1.0.0.
    const lung = aeratedLungOf(inputs, content.lung, rng);
    return {
      paint: (i, _j, r, k, labels) => lung.paint(i, r, pleuraMm[i]!, k, labels, true),
      lastAttenuation: (t) => t,
      pleuraDropDb: () => 0,
      stamp: () => undefined,
    };
  }
  if (content.kind === 'pleural_effusion') return createEffusionPainter(inputs, content);
  return createConsolidationPainter(inputs, content);
}

function lineOf(grid: BeamGrid, xi: number): number {
  const xiLo = grid.lateralMm[0]!;
  return (xi - xiLo) / ((grid.lateralMm[grid.lines - 1]! - xiLo) / (grid.lines - 1));
}

/** Adds a soft round blob (in mm, at the true lateral scale of its depth) to the power map. */
function stampBlob(
  grid: BeamGrid,
  power: Float32Array,
  xi: number,
  r: number,
  radiusMm: number,
  addPower: number,
  mode: 'add' | 'darken',
  mask?: (i: number, j: number) => boolean,
): void {
  const spacing = lineSpacingMm(grid, r);
  const ci = lineOf(grid, xi);
  const cj = r / grid.dr;
  const ri = (2 * radiusMm) / Math.max(spacing, 1e-3);
  const rj = (2 * radiusMm) / grid.dr;
  const i0 = Math.max(0, Math.floor(ci - ri));
  const i1 = Math.min(grid.lines - 1, Math.ceil(ci + ri));
  const j0 = Math.max(0, Math.floor(cj - rj));
  const j1 = Math.min(grid.samples - 1, Math.ceil(cj + rj));
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      if (mask && !mask(i, j)) continue;
      const du = ((i - ci) * spacing) / radiusMm;
      const dv = ((j - cj) * grid.dr) / radiusMm;
      const w = Math.exp(-(du * du + dv * dv));
      if (w < 0.01) continue;
      const k = j * grid.lines + i;
      if (mode === 'add') power[k] = power[k]! + w * addPower;
      else power[k] = power[k]! * (1 - w) + w * addPower;
    }
  }
}

function stampSegment(
  grid: BeamGrid,
  power: Float32Array,
  a: [number, number],
  b: [number, number],
  radiusMm: number,
  value: number,
  mode: 'add' | 'darken',
  mask?: (i: number, j: number) => boolean,
): void {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const steps = Math.max(1, Math.ceil(len / (radiusMm * 0.8)));
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    stampBlob(grid, power, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), radiusMm, value, mode, mask);
  }
}

function createEffusionPainter(inputs: PainterInputs, c: EffusionContent): LungPainter {
  const { grid, rng, motion, pleuraMm } = inputs;
  const L = grid.lines;
  const D = grid.geometry.depthMm;
  const xiLo = grid.lateralMm[0]!;
  const span = grid.lateralMm[L - 1]! - xiLo;
  const lung = aeratedLungOf(inputs, c.lung, rng.fork());
  const wobble = new Noise1D(rng.fork(), span / 15 + 2);
  const lineRough = new FractalNoise1D(rng.fork(), 6, 4);
  const organTexture = new Noise2D(rng.fork(), span / 6 + 2, D / 6 + 2);
  const organFine = new Noise2D(rng.fork(), span / 2 + 2, D / 2 + 2);
  const floor = new Float32Array(L);
  const spineTop = new Float32Array(L).fill(Infinity);
  const spineWeight = new Float32Array(L);
  const jellyTop = new Float32Array(L).fill(Infinity);
  const jellyBottom = new Float32Array(L).fill(-Infinity);
  const diaphragmCentre = rng.uniform(0, 1);
  const pFluid = pow10(c.fluidDb);
  const pLine = pow10(c.diaphragm ? c.diaphragm.db : c.lungLineDb);
  const lineHalf = (c.diaphragm ? rng.uniform(1.5, 3.5) : rng.uniform(1, 2.5)) / 2;
  const fluidFactor = c.fluidAttenuationFactor;
  const floorTilt = Math.tan((c.floorTiltDeg * Math.PI) / 180);
  for (let i = 0; i < L; i++) {
    const u = (grid.lateralMm[i]! - xiLo) / span;
    let t: number;
    if (c.shape === 'box') t = c.thicknessMm * (1 + 0.12 * wobble.at(u * (span / 15)));
    else {
      const q = (u - c.crescentPeakFrac) / c.crescentWidthFrac;
      t = c.thicknessMm * Math.max(0, 1 - q * q) ** 0.7 * (1 + 0.08 * wobble.at(u * (span / 15)));
    }
    // Breathing in pulls the lung line towards the pleura (sinusoid sign), most where the fluid is thick.
    t -= motion.lungLineShiftMm * Math.min(1, t / Math.max(1, c.thicknessMm));
    t += c.lungLineRoughnessMm * lineRough.at(u) + floorTilt * (u - 0.5) * span;
    if (c.diaphragm) {
      const q = u - diaphragmCentre;
      t += c.diaphragm.domeMm * 4 * q * q;
    }
    floor[i] = Math.min(pleuraMm[i]! + Math.max(0, t), D - 3);
  }
  if (c.spine) {
    const width = (c.spine.count * (c.spine.widthMm + c.spine.gapMm)) / span;
    for (let i = 0; i < L; i++) {
      const xi = grid.lateralMm[i]!;
      const u = (xi - xiLo) / span;
      if (u < c.spine.startFrac || u > c.spine.startFrac + width) continue;
      const local = (xi - (xiLo + c.spine.startFrac * span)) % (c.spine.widthMm + c.spine.gapMm);
      if (local > c.spine.widthMm) continue;
      const v = (local / c.spine.widthMm) * 2 - 1;
      const base = Math.min(D - 8, pleuraMm[i]! + Math.max(c.thicknessMm, 30) * c.spine.depthFrac + 10);
      spineTop[i] = base + 3 * v * v;
      spineWeight[i] = Math.abs(v) < 0.8 ? 1 : 0.5 + 0.5 * Math.cos(((Math.abs(v) - 0.8) / 0.2) * Math.PI);
      floor[i] = Math.max(floor[i]!, spineTop[i]! - 0.5);
    }
  }
  if (c.jellyfish) {
    const j = c.jellyfish;
    const wig = new Noise1D(rng.fork(), 6);
    for (let i = 0; i < L; i++) {
      const u = (grid.lateralMm[i]! - xiLo) / span;
      const v = j.fromLeft ? u / j.lengthFrac : (1 - u) / j.lengthFrac;
      if (v < 0 || v > 1) continue;
      const fluid = floor[i]! - pleuraMm[i]!;
      if (fluid < 6) continue;
      const centre = pleuraMm[i]! + fluid * j.depthFrac + 2 * wig.at(v * 4) + motion.lungShiftMm * 0.5;
      const half = Math.min((j.thicknessMm / 2) * Math.sqrt(Math.max(0, 1 - v * v)), fluid * 0.4);
      if (half < 0.8) continue;
      jellyTop[i] = Math.max(pleuraMm[i]! + 2, centre - half);
      jellyBottom[i] = Math.min(floor[i]! - 2, centre + half);
    }
  }
  const vessels: Array<[number, number, number]> = [];
  if (c.diaphragm) {
    for (let v = 0; v < c.diaphragm.vessels; v++) {
      const i = rng.int(0, L - 1);
      const top = floor[i]! + 6;
      if (top >= D - 4) continue;
      vessels.push([grid.lateralMm[i]!, rng.uniform(top, D - 2), rng.uniform(1.5, 5)]);
    }
  }
  const organPower = c.diaphragm ? pow10(c.diaphragm.organDb) : 0;
  const pSpine = c.spine ? pow10(c.spine.db) : 0;
  const pJelly = c.jellyfish ? pow10(c.jellyfish.db) : 0;
  let lastAtt = 1;
  return {
    paint(i, _j, r, k, labels) {
      const d = pleuraMm[i]!;
      const f = floor[i]!;
      lastAtt = 1;
      if (r >= spineTop[i]!) {
        const rel = r - spineTop[i]!;
        const w = spineWeight[i]!;
        if (rel < 2) {
          lastAtt = 1 + w * 14;
          return w * pSpine + (1 - w) * pFluid;
        }
        return pow10(-8 + 3 * organFine.at(i / 4, r / 2));
      }
      if (r < f) {
        lastAtt = fluidFactor;
        const jt = jellyTop[i]!;
        if (r >= jt && r <= jellyBottom[i]!) {
          lastAtt = 1;
          labels[k]! |= LABEL.consolidation;
          const edge = Math.min(r - jt, jellyBottom[i]! - r);
          const rim = edge < 1.2 ? pow10(6) : 0;
          return pJelly * pow10(2.5 * organTexture.at(i / 6, r / 3)) + rim;
        }
        labels[k]! |= LABEL.effusion;
        return pFluid + pLine * slab(r - f, lineHalf);
      }
      const linePower = pLine * slab(r - f, lineHalf);
      if (c.diaphragm) {
        const rel = r - f;
        const db = c.diaphragm.organDb + 3 * organTexture.at(i / 6, r / 6) + 1.5 * organFine.at(i / 2, r / 2);
        return linePower + (rel > 1 ? organPower * pow10(db - c.diaphragm.organDb) : 0);
      }
      // Lung under the lung line: partly collapsed behind the fluid, so dimmer than aerated lung's haze.
      return linePower + 0.1 * lung.paint(i, r, Math.max(d, f), k, labels, false);
    },
    lastAttenuation: (t) => t * lastAtt,
    pleuraDropDb: () => 0,
    stamp(power) {
      for (const [xi, r, rad] of vessels) stampBlob(grid, power, xi, r, rad, pow10(-25), 'darken');
      if (c.debris) {
        const inFluid = (i: number, j: number): boolean => {
          const r = j * grid.dr;
          return r > pleuraMm[i]! + 1.5 && r < floor[i]! - 1.5 && (r < jellyTop[i]! || r > jellyBottom[i]!);
        };
        const pDebris = pow10(c.debris.db);
        for (let q = 0; q < c.debris.count; q++) {
          const i = rng.int(0, L - 1);
          const top = pleuraMm[i]!;
          const bottom = floor[i]!;
          if (bottom - top < 5) continue;
          const xi = grid.lateralMm[i]!;
          const r = rng.uniform(top + 2, bottom - 2);
          if (c.debris.kind === 'dots')
            stampBlob(grid, power, xi, r, rng.uniform(0.3, 0.8), pDebris, 'add', inFluid);
          else {
            const angle = rng.uniform(-1.2, 1.2);
            const len = rng.uniform(8, 40);
            stampSegment(
              grid,
              power,
              [xi, r],
              [xi + len * Math.cos(angle), r + len * Math.sin(angle)],
              rng.uniform(0.3, 0.6),
              pDebris,
              'add',
              inFluid,
            );
          }
        }
      }
    },
  };
}

function createConsolidationPainter(inputs: PainterInputs, c: ConsolidationContent): LungPainter {
  const { params, grid, rng, place, pleuraMm } = inputs;
  const L = grid.lines;
  const D = grid.geometry.depthMm;
  const xiLo = grid.lateralMm[0]!;
  const span = grid.lateralMm[L - 1]! - xiLo;
  const lung = aeratedLungOf(inputs, c.lung, rng.fork());
  const border = new FractalNoise1D(rng.fork(), Math.max(3, c.widthMm / 8), 5);
  const texture = new Noise2D(rng.fork(), span / c.textureScaleMm + 2, D / c.textureScaleMm + 2);
  const fine = new Noise2D(rng.fork(), span / 1.5 + 2, D / 1.5 + 2);
  const shredNoise = new Noise1D(rng.fork(), span / 1.5 + 2);
  const centre = place(c.centerFrac);
  const top = new Float32Array(L).fill(Infinity);
  const fluidTop = new Float32Array(L).fill(Infinity);
  const bottom = new Float32Array(L).fill(-Infinity);
  const edgeWeight = new Float32Array(L);
  for (let i = 0; i < L; i++) {
    const xi = grid.lateralMm[i]!;
    const u = (xi - centre) / (c.widthMm / 2);
    if (Math.abs(u) >= 1) continue;
    const shape = (1 - Math.abs(u) ** c.shapePower) ** (1 / c.shapePower);
    const d = pleuraMm[i]!;
    const h = c.heightMm * shape + c.borderAmplitudeMm * border.at((u + 1) / 2) * Math.min(1, shape * 3);
    if (h < 2) continue;
    const eff = c.smallEffusion ? c.smallEffusion.thicknessMm * Math.max(0, 1 - u * u) : 0;
    fluidTop[i] = eff > 0.8 ? d + params.pleura.thicknessMm / 2 : Infinity;
    top[i] = d + params.pleura.thicknessMm / 2 + (eff > 0.8 ? eff : 0);
    bottom[i] = Math.min(d + h, D - 2);
    edgeWeight[i] = Math.min(1, (1 - Math.abs(u)) * 6);
  }
  const pShred = pow10(c.shredDb);
  const tails: Array<{ i: number; len: number }> = [];
  for (let q = 0; q < c.shredTails; q++) {
    const i = rng.int(0, L - 1);
    if (bottom[i]! > 0) tails.push({ i, len: rng.uniform(2, 10) });
  }
  const tailAt = new Float32Array(L);
  for (const t of tails) {
    for (let di = -1; di <= 1; di++) {
      const i = t.i + di;
      if (i >= 0 && i < L) tailAt[i] = t.len;
    }
  }
  const pFluid = pow10(-45);
  let lastAtt = 1;
  return {
    paint(i, _j, r, k, labels) {
      lastAtt = 1;
      const d = pleuraMm[i]!;
      const b = bottom[i]!;
      if (b < 0) return lung.paint(i, r, d, k, labels, true);
      if (r >= fluidTop[i]! && r < top[i]!) {
        labels[k]! |= LABEL.effusion;
        lastAtt = 0.1;
        return pFluid;
      }
      if (r < b) {
        labels[k]! |= LABEL.consolidation;
        const db =
          c.tissueDb +
          c.textureDb * texture.at((grid.lateralMm[i]! - xiLo) / c.textureScaleMm, r / c.textureScaleMm);
        return pow10(db + 1.5 * fine.at((grid.lateralMm[i]! - xiLo) / 1.5, r / 1.5));
      }
      const rel = r - b;
      const shred = pShred * pow10(4 * shredNoise.at((grid.lateralMm[i]! - xiLo) / 1.5)) * slab(rel, 0.8);
      const tail = tailAt[i]! > 0 && rel < tailAt[i]! ? pShred * 0.3 * (1 - rel / tailAt[i]!) : 0;
      // Below the shred line the lung is aerated again, but the reverberation pattern is broken.
      return shred * edgeWeight[i]! + tail + lung.paint(i, r, b, k, labels, false);
    },
    lastAttenuation: (t) => t * lastAtt,
    pleuraDropDb: (i) => (bottom[i]! > 0 ? c.pleuraDropDb * edgeWeight[i]! : 0),
    stamp(power) {
      const inside = (i: number, j: number): boolean => {
        const r = j * grid.dr;
        return r > top[i]! + 0.5 && r < bottom[i]! - 0.5;
      };
      const pBronch = pow10(c.airBronchograms.db);
      const inner: number[] = [];
      for (let i = 0; i < L; i++) if (bottom[i]! - top[i]! > 3) inner.push(i);
      if (inner.length === 0) return;
      for (let q = 0; q < c.airBronchograms.count; q++) {
        const i = rng.pick(inner);
        const xi = grid.lateralMm[i]!;
        const r = rng.uniform(top[i]! + 1, bottom[i]! - 1);
        if (rng.chance(c.airBronchograms.branchingFrac)) {
          // A branching air bronchogram: a short trunk that forks, aimed roughly away from the hilum (upwards).
          let a: [number, number] = [xi, r];
          let angle = -Math.PI / 2 + rng.uniform(-0.8, 0.8);
          for (let s = 0; s < rng.int(2, 4); s++) {
            const len = rng.uniform(2, 6);
            const b: [number, number] = [a[0] + len * Math.cos(angle), a[1] + len * Math.sin(angle)];
            stampSegment(grid, power, a, b, rng.uniform(0.4, 0.8), pBronch, 'add', inside);
            if (rng.chance(0.5)) {
              const fork = angle + rng.sign() * rng.uniform(0.4, 0.9);
              const l2 = rng.uniform(1.5, 4);
              stampSegment(
                grid,
                power,
                b,
                [b[0] + l2 * Math.cos(fork), b[1] + l2 * Math.sin(fork)],
                0.45,
                pBronch,
                'add',
                inside,
              );
            }
            a = b;
            angle += rng.uniform(-0.5, 0.5);
          }
        } else {
          stampBlob(grid, power, xi, r, rng.uniform(0.3, 0.9), pBronch, 'add', inside);
        }
      }
      if (c.fluidBronchograms) {
        const pDark = pow10(c.fluidBronchograms.db);
        for (let q = 0; q < c.fluidBronchograms.count; q++) {
          const i = rng.pick(inner);
          const xi = grid.lateralMm[i]!;
          const r = rng.uniform(top[i]! + 2, Math.max(top[i]! + 2.5, bottom[i]! - 2));
          const angle = rng.uniform(-Math.PI, 0);
          const len = rng.uniform(5, 20);
          stampSegment(
            grid,
            power,
            [xi, r],
            [xi + len * Math.cos(angle), r + len * Math.sin(angle)],
            rng.uniform(0.6, 1.4),
            pDark,
            'darken',
            inside,
          );
        }
      }
    },
  };
}
