// Behaviour of the phantom generator: determinism, sign geometry, masks, parameter ranges, screen mode, y4m.
import { describe, expect, it } from 'vitest';
import { CLASS_IDS, type ClassId } from '../core/frame/index.ts';
import {
  drawPhantomParams,
  encodeY4m,
  generateCine,
  generatePhantom,
  type Phantom,
  type PhantomOverrides,
  parseY4m,
  renderPhantom,
} from './index.ts';

const clean = { overlays: false, augment: false } as const;
const still: Partial<PhantomOverrides> = { rotationDeg: 0, postProcessing: false };

function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k]);
}

/** Centres of the runs of 1s in one column of a mask. */
function runCentres(mask: Uint8Array, width: number, height: number, x: number): number[] {
  const centres: number[] = [];
  let start = -1;
  for (let y = 0; y <= height; y++) {
    const on = y < height && mask[y * width + x] === 1;
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      centres.push((start + y - 1) / 2);
      start = -1;
    }
  }
  return centres;
}

function regionMean(p: Phantom, mask: (k: number) => boolean): { mean: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < p.image.data.length; k++) {
    if (mask(k)) {
      sum += p.image.data[k]!;
      count++;
    }
  }
  return { mean: count ? sum / count : NaN, count };
}

describe('determinism', () => {
  it('gives the same bytes for the same seed, and different bytes for another seed', () => {
    for (const classId of CLASS_IDS) {
      const a = generatePhantom({ classId, width: 96, height: 72, seed: 11 });
      const b = generatePhantom({ classId, width: 96, height: 72, seed: 11 });
      const c = generatePhantom({ classId, width: 96, height: 72, seed: 12 });
      expect(sameBytes(a.image.data, b.image.data)).toBe(true);
      expect(sameBytes(a.image.data, c.image.data)).toBe(false);
      expect(JSON.stringify(a.params)).toBe(JSON.stringify(b.params));
    }
  });

  it('reproduces an image from its JSON parameters alone', () => {
    const a = generatePhantom({ classId: 'consolidation', width: 120, height: 90, seed: 5, screen: true });
    const params = JSON.parse(JSON.stringify(a.params)) as typeof a.params;
    expect(sameBytes(renderPhantom(params).image.data, a.image.data)).toBe(true);
  });
});

describe('sector', () => {
  it('draws nothing outside the sector before overlays, and never an empty or blank frame', () => {
    for (let s = 0; s < 12; s++) {
      for (const classId of CLASS_IDS) {
        const p = generatePhantom({ classId, width: 96, height: 72, seed: 300 + s, ...clean });
        let outside = 0;
        let inside = 0;
        let insideSum = 0;
        for (let k = 0; k < p.sector.length; k++) {
          if (!p.sector[k]) outside += p.image.data[k]!;
          else {
            inside++;
            insideSum += p.image.data[k]!;
          }
        }
        expect(outside).toBe(0);
        expect(inside).toBeGreaterThan(p.sector.length * 0.15);
        expect(insideSum / inside).toBeGreaterThan(3);
      }
    }
  });
});

describe('A-lines', () => {
  it('sit at multiples of the pleural depth (within 2 px) and are brighter than the lung between them', () => {
    for (const seed of [1, 2, 3]) {
      const size = 200;
      const p = generatePhantom({
        classId: 'a_lines',
        width: size,
        height: size,
        seed,
        ...clean,
        overrides: {
          ...still,
          probe: 'convex',
          pleuraFlatness: 0,
          pleuraTiltDeg: 0,
          pleuraRoughnessMm: 0,
          ribCount: 0,
          tailCount: 0,
          fill: 1,
          fitHeight: 1,
          topFrac: 0,
          shiftXFrac: 0,
          aLineCount: 3,
          aLineRatio: 0.7,
          depthMm: 160,
          pleuraDepthMm: 25,
          tgcErrorMaxDb: 0,
        },
      });
      // The centre column is the central beam: range maps linearly to rows there.
      const x = size / 2;
      let top = -1;
      for (let y = 0; y < size && top < 0; y++) if (p.sector[y * size + x]) top = y;
      const pleura = runCentres(p.masks.pleura, size, size, x);
      const aLines = runCentres(p.masks.aLines, size, size, x);
      expect(pleura).toHaveLength(1);
      expect(aLines.length).toBeGreaterThanOrEqual(2);
      const dp = pleura[0]! + 0.5 - top;
      aLines.forEach((y, q) => expect(Math.abs(y + 0.5 - top - (q + 2) * dp)).toBeLessThanOrEqual(2));
      // In the image itself: each A-line row band is brighter than the band halfway to the next one.
      const rowMean = (y: number): number => {
        let acc = 0;
        for (let dx = -10; dx <= 10; dx++) acc += p.image.data[Math.round(y) * size + x + dx]!;
        return acc / 21;
      };
      for (const y of aLines.slice(0, 2)) expect(rowMean(y)).toBeGreaterThan(rowMean(y - dp / 2) + 10);
    }
  });
});

describe('B-lines', () => {
  it('have masks that reach the bottom of the sector', () => {
    let components = 0;
    for (let s = 0; s < 8; s++) {
      const p = generatePhantom({ classId: 'b_lines', width: 160, height: 120, seed: 40 + s, ...clean });
      const { width: W, height: H } = p.image;
      const m = p.masks.bLines;
      const seen = new Uint8Array(m.length);
      for (let k0 = 0; k0 < m.length; k0++) {
        if (!m[k0] || seen[k0]) continue;
        components++;
        let reachesBottom = false;
        let size = 0;
        const stack = [k0];
        seen[k0] = 1;
        while (stack.length) {
          const k = stack.pop()!;
          size++;
          const x = k % W;
          const y = (k - x) / W;
          // The frame may crop the sector: running out of the frame's bottom or sides counts too.
          if (y === H - 1 || x === 0 || x === W - 1 || !p.sector[k + W]) reachesBottom = true;
          for (const n of [k - 1, k + 1, k - W, k + W]) {
            const nx = n % W;
            if (n < 0 || n >= m.length || Math.abs(nx - x) > 1 || !m[n] || seen[n]) continue;
            seen[n] = 1;
            stack.push(n);
          }
        }
        // Slivers cut off by a rib edge are a few pixels; every real band runs to the bottom.
        if (size > 20) expect(reachesBottom).toBe(true);
      }
    }
    expect(components).toBeGreaterThan(8);
  });
});

describe('pleural effusion', () => {
  it('is much darker than the chest-wall tissue above it', () => {
    for (let s = 0; s < 6; s++) {
      const p = generatePhantom({
        classId: 'pleural_effusion',
        width: 160,
        height: 120,
        seed: 70 + s,
        ...clean,
      });
      const W = p.image.width;
      // Chest wall: sector pixels above the pleural line in their column (skipping the bright skin rows).
      const pleuraRow = new Int32Array(W).fill(-1);
      for (let k = 0; k < p.masks.pleura.length; k++) {
        const x = k % W;
        if (p.masks.pleura[k] && pleuraRow[x] === -1) pleuraRow[x] = (k - x) / W;
      }
      const firstRow = new Int32Array(W).fill(-1);
      for (let k = 0; k < p.sector.length; k++) {
        const x = k % W;
        if (p.sector[k] && firstRow[x] === -1) firstRow[x] = (k - x) / W;
      }
      const tissue = regionMean(p, (k) => {
        const x = k % W;
        const y = (k - x) / W;
        return pleuraRow[x]! > 0 && y > firstRow[x]! + 3 && y < pleuraRow[x]! - 2 && p.sector[k] === 1;
      });
      const fluid = regionMean(p, (k) => p.masks.effusion[k] === 1);
      expect(fluid.count).toBeGreaterThan(50);
      expect(tissue.count).toBeGreaterThan(50);
      expect(fluid.mean).toBeLessThan(tissue.mean * 0.5);
    }
  });
});

describe('consolidation', () => {
  /** Lateral over axial half-height width of the autocorrelation: high for air's horizontal streaks. */
  function anisotropy(p: Phantom, inRegion: (k: number) => boolean): number {
    const W = p.image.width;
    const g = p.image.data;
    const corr = (dx: number, dy: number): number => {
      let acc = 0;
      let n = 0;
      let mean = 0;
      let count = 0;
      for (let k = 0; k < g.length; k++) {
        if (inRegion(k)) {
          mean += g[k]!;
          count++;
        }
      }
      mean /= count;
      for (let k = 0; k < g.length; k++) {
        const k2 = k + dy * W + dx;
        if (k2 >= g.length || !inRegion(k) || !inRegion(k2)) continue;
        acc += (g[k]! - mean) * (g[k2]! - mean);
        n++;
      }
      return acc / Math.max(1, n);
    };
    const c0 = corr(0, 0);
    const width = (dx: number, dy: number): number => {
      for (let d = 1; d < 30; d++) if (corr(dx * d, dy * d) / c0 < 0.5) return d;
      return 30;
    };
    return width(1, 0) / width(0, 1);
  }

  it('has tissue-like texture and brightness, unlike the aerated lung under a normal pleura', () => {
    const overrides: Partial<PhantomOverrides> = {
      ...still,
      probe: 'linear',
      ribCount: 0,
      consolidationSize: 'lobar',
      smallEffusion: false,
    };
    let consAniso = 0;
    let airAniso = 0;
    for (let s = 0; s < 4; s++) {
      const cons = generatePhantom({
        classId: 'consolidation',
        width: 160,
        height: 160,
        seed: 90 + s,
        ...clean,
        overrides,
      });
      const air = generatePhantom({
        classId: 'a_lines',
        width: 160,
        height: 160,
        seed: 90 + s,
        ...clean,
        overrides,
      });
      const region = (p: Phantom, k: number): boolean => p.masks.consolidation[k] === 1;
      expect(regionMean(cons, (k) => region(cons, k)).count).toBeGreaterThan(400);
      // Air: below the pleura, away from the A-lines.
      const W = air.image.width;
      const pleuraRow = new Int32Array(W).fill(-1);
      for (let k = 0; k < air.masks.pleura.length; k++) {
        const x = k % W;
        if (air.masks.pleura[k]) pleuraRow[x] = Math.max(pleuraRow[x]!, (k - x) / W);
      }
      const airRegion = (k: number): boolean => {
        const x = k % W;
        const y = (k - x) / W;
        return air.sector[k] === 1 && pleuraRow[x]! > 0 && y > pleuraRow[x]! + 3 && !air.masks.aLines[k];
      };
      consAniso += anisotropy(cons, (k) => region(cons, k));
      airAniso += anisotropy(air, airRegion);
      // Brightness: a solid organ's grey, not the dark of fluid (0.3× the chest wall would be fluid-like).
      const wall = regionMean(cons, (k) => {
        const x = k % W;
        const y = (k - x) / W;
        return cons.sector[k] === 1 && y > 4 && y < 12;
      });
      expect(regionMean(cons, (k) => region(cons, k)).mean).toBeGreaterThan(wall.mean * 0.3);
    }
    expect(consAniso / 4).toBeLessThan(airAniso / 4);
  });
});

describe('parameter draws', () => {
  const N = 1000;
  const draws = (classId: ClassId) =>
    Array.from({ length: N }, (_, s) =>
      drawPhantomParams({ classId, width: 224, height: 224, seed: 10_000 + s }),
    );
  const all = Object.fromEntries(CLASS_IDS.map((c) => [c, draws(c)])) as Record<
    ClassId,
    ReturnType<typeof draws>
  >;
  const everything = CLASS_IDS.flatMap((c) => all[c]);

  /** Spec ranges (lus-synth.md), typed in here independently of the generator's own tables. */
  function expectRange(values: number[], lo: number, hi: number, label: string): void {
    expect(values.length, label).toBeGreaterThan(20);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const slack = 0.05 * (hi - lo);
    expect(min, `${label} min`).toBeGreaterThanOrEqual(lo - 1e-9);
    expect(max, `${label} max`).toBeLessThanOrEqual(hi + 1e-9);
    expect(min, `${label} min near ${lo}`).toBeLessThanOrEqual(lo + slack);
    expect(max, `${label} max near ${hi}`).toBeGreaterThanOrEqual(hi - slack);
  }
  function expectShare(hits: number, total: number, p: number, label: string): void {
    expect(Math.abs(hits / total - p), `${label}: ${hits}/${total} vs ${p}`).toBeLessThanOrEqual(0.05);
  }

  it('cover each numeric range of the spec end to end', () => {
    const convex = everything.filter((p) => p.probe.kind === 'convex');
    const linear = everything.filter((p) => p.probe.kind === 'linear');
    expectRange(
      convex.map((p) => p.probe.radiusMm),
      40,
      60,
      'convex radius',
    );
    expectRange(
      convex.map((p) => p.probe.sectorDeg),
      55,
      80,
      'convex sector',
    );
    expectRange(
      convex.map((p) => p.probe.depthMm),
      80,
      200,
      'convex depth',
    );
    expectRange(
      linear.map((p) => p.probe.widthMm),
      35,
      50,
      'linear width',
    );
    expectRange(
      linear.map((p) => p.probe.depthMm),
      40,
      80,
      'linear depth',
    );
    expectRange(
      everything.map((p) => p.probe.axialFwhmMm),
      0.3,
      0.8,
      'axial FWHM',
    );
    expectRange(
      everything.map((p) => p.probe.lateralFwhmMm),
      1,
      3,
      'lateral FWHM',
    );
    expectRange(
      everything.map((p) => p.probe.focusDepthMm),
      10,
      60,
      'focus depth',
    );
    expectRange(
      everything.map((p) => p.chestWall.skinMm),
      1,
      2,
      'skin',
    );
    expectRange(
      everything.map((p) => p.chestWall.fatMm),
      2,
      15,
      'fat',
    );
    expectRange(
      everything.map((p) => p.chestWall.pleuraDepthMm),
      10,
      40,
      'skin-to-pleura depth',
    );
    expectRange(
      everything.map((p) => p.chestWall.ribCount),
      0,
      2,
      'rib count',
    );
    expectRange(
      everything.flatMap((p) => (p.chestWall.ribGapMm === null ? [] : [p.chestWall.ribGapMm])),
      20,
      30,
      'rib gap',
    );
    expectRange(
      everything.flatMap((p) => p.chestWall.ribs.map((r) => r.shadowDb)),
      30,
      40,
      'rib shadow',
    );
    expectRange(
      everything.map((p) => p.chestWall.attenuationDbPerCmMHz),
      0.5,
      0.7,
      'attenuation',
    );
    expectRange(
      everything.map((p) => p.pleura.db),
      15,
      25,
      'pleural line',
    );
    expectRange(
      everything.map((p) => p.pleura.thicknessMm),
      1,
      3,
      'pleural thickness',
    );
    expectRange(
      everything.filter((p) => !p.pleura.irregular).map((p) => p.pleura.roughnessMm),
      0,
      0.3,
      'normal roughness',
    );
    expectRange(
      everything.filter((p) => p.pleura.irregular).map((p) => p.pleura.roughnessMm),
      0.5,
      2,
      'diseased roughness',
    );
    expectRange(
      everything.map((p) => p.imaging.tgcErrorsDb.length),
      6,
      8,
      'TGC bands',
    );
    expectRange(
      everything.flatMap((p) => p.imaging.tgcErrorsDb),
      -6,
      6,
      'TGC error',
    );
    expectRange(
      everything.map((p) => p.imaging.gainDb),
      -10,
      10,
      'gain',
    );
    expectRange(
      everything.map((p) => p.imaging.noiseBelowTopDb),
      50,
      70,
      'noise',
    );
    expectRange(
      everything.map((p) => p.imaging.dynamicRangeDb),
      45,
      70,
      'dynamic range',
    );
    expectRange(
      everything.filter((p) => p.imaging.gamma !== 1).map((p) => p.imaging.gamma),
      0.7,
      1.4,
      'gamma',
    );
    const augments = everything.flatMap((p) => (p.augment ? [p.augment] : []));
    expectRange(
      augments.map((a) => a.brightness),
      0.7,
      1.3,
      'brightness',
    );
    expectRange(
      augments.map((a) => a.contrast),
      0.7,
      1.3,
      'contrast',
    );
    expectRange(
      augments.filter((a) => a.blurSigmaPx > 0).map((a) => a.blurSigmaPx),
      0,
      1.5,
      'blur',
    );

    const aLines = all.a_lines.map((p) => (p.content.kind === 'a_lines' ? p.content.lung : null)!);
    expectRange(
      aLines.map((l) => l.aLines!.ratio),
      0.4,
      0.75,
      'A-line ratio',
    );
    expectRange(
      aLines.map((l) => l.aLines!.count),
      2,
      5,
      'A-line count',
    );
    expectRange(
      aLines.map((l) => l.hazeDb),
      -35,
      -25,
      'haze',
    );
    expectRange(
      aLines.map((l) => l.tails.length),
      0,
      2,
      'hard-negative tails',
    );
    expect(Math.max(...aLines.flatMap((l) => l.tails.map((t) => t.lengthMm)))).toBeLessThanOrEqual(30);

    const bLines = all.b_lines.map((p) => (p.content.kind === 'b_lines' ? p.content.lung : null)!);
    expectRange(
      bLines.map((l) => l.bLines.length),
      1,
      8,
      'B-line count',
    );
    expectRange(
      bLines.flatMap((l) => l.bLines.map((b) => b.widthMm)),
      1,
      5,
      'B-line width',
    );
    expectRange(
      bLines.flatMap((l) => l.bLines.map((b) => b.dropDb)),
      0,
      8,
      'B-line level',
    );
    expectRange(
      bLines.map((l) => l.bandAttenuationFactor),
      0.2,
      0.5,
      'B-line attenuation',
    );
    expectRange(
      bLines.flatMap((l) => (l.whiteLung ? [l.whiteLung.widthFrac] : [])),
      0.2,
      0.7,
      'white lung',
    );

    const effusions = all.pleural_effusion.map((p) => p.content).filter((c) => c.kind === 'pleural_effusion');
    expectRange(
      effusions.map((c) => c.thicknessMm),
      10,
      80,
      'effusion thickness',
    );
    expectRange(
      all.pleural_effusion.map((p) => p.probe.depthMm),
      120,
      200,
      'effusion depth',
    );

    const consolidations = all.consolidation.map((p) => p.content).filter((c) => c.kind === 'consolidation');
    expectRange(
      consolidations.filter((c) => c.size === 'small').map((c) => c.widthMm),
      10,
      20,
      'small consolidation',
    );
    expectRange(
      consolidations.filter((c) => c.size === 'lobar').map((c) => c.widthMm),
      30,
      100,
      'lobar consolidation',
    );
    expectRange(
      consolidations.map((c) => c.tissueDb),
      -10,
      0,
      'consolidation level',
    );
    expectRange(
      consolidations.map((c) => c.borderAmplitudeMm),
      3,
      10,
      'shred line amplitude',
    );
    expectRange(
      consolidations.map((c) => c.airBronchograms.count),
      5,
      40,
      'air bronchograms',
    );
  });

  it('draw each categorical choice as often as the spec says', () => {
    for (const classId of ['a_lines', 'b_lines', 'consolidation'] as const) {
      const list = all[classId];
      expectShare(list.filter((p) => p.probe.kind === 'convex').length, N, 0.7, `${classId} convex`);
      expectShare(list.filter((p) => p.probe.kind === 'linear').length, N, 0.2, `${classId} linear`);
      expectShare(list.filter((p) => p.probe.kind === 'phased').length, N, 0.1, `${classId} phased`);
    }
    // "Mostly convex" for effusions.
    expect(all.pleural_effusion.filter((p) => p.probe.kind === 'convex').length / N).toBeGreaterThan(0.8);
    const b = all.b_lines.map((p) => (p.content.kind === 'b_lines' ? p.content.lung : null)!);
    expectShare(b.filter((l) => l.whiteLung).length, N, 0.25, 'white lung');
    expectShare(all.b_lines.filter((p) => p.pleura.irregular).length, N, 0.5, 'irregular pleura');
    expect(all.a_lines.some((p) => p.pleura.irregular)).toBe(false);
    const e = all.pleural_effusion.map((p) => p.content).filter((c) => c.kind === 'pleural_effusion');
    expectShare(e.filter((c) => c.diaphragm).length, N, 0.6, 'diaphragm');
    expectShare(e.filter((c) => c.spine).length, N, 0.3, 'spine sign');
    expectShare(e.filter((c) => c.jellyfish).length, N, 0.4, 'jellyfish');
    expectShare(e.filter((c) => c.debris).length, N, 0.2, 'strands or dots');
    const total = everything.length;
    expectShare(everything.filter((p) => p.overlay).length, total, 0.5, 'overlays');
    expectShare(everything.filter((p) => p.post.smoothing !== 'none').length, total, 0.3, 'smoothing');
    expectShare(everything.filter((p) => p.post.unsharp).length, total, 0.3, 'unsharp mask');
  });

  it('keep nuisance parameters independent of the sign', () => {
    const share = (classId: ClassId, f: (p: (typeof everything)[number]) => boolean): number =>
      all[classId].filter(f).length / N;
    const nuisances: Array<[string, (p: (typeof everything)[number]) => boolean]> = [
      ['overlays', (p) => p.overlay !== null],
      ['gain above 0', (p) => p.imaging.gainDb > 0],
      ['flip', (p) => p.placement.flip],
      ['rotated', (p) => p.placement.rotationDeg !== 0],
      ['wide dynamic range', (p) => p.imaging.dynamicRangeDb > 57.5],
      ['two ribs', (p) => p.chestWall.ribCount === 2],
      ['deep pleura', (p) => p.chestWall.pleuraDepthMm > 20],
    ];
    for (const [label, f] of nuisances) {
      const shares = CLASS_IDS.map((c) => share(c, f));
      expect(Math.max(...shares) - Math.min(...shares), `${label}: ${shares.join(', ')}`).toBeLessThan(0.08);
    }
  });
});

describe('scanner screen', () => {
  it('returns the exact rectangle the ultrasound image was pasted into', () => {
    for (const seed of [3, 4, 5]) {
      const p = generatePhantom({ classId: 'b_lines', width: 320, height: 240, seed, screen: true });
      const r = p.imageRect!;
      expect(r).toBeDefined();
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(320);
      expect(r.y + r.height).toBeLessThanOrEqual(240);
      // The same parameters rendered without the screen, at the rectangle's size, are the pasted pixels.
      const inner = renderPhantom({ ...p.params, screen: null, width: r.width, height: r.height });
      for (let y = 0; y < r.height; y++) {
        const row = p.image.data.subarray((r.y + y) * 320 + r.x, (r.y + y) * 320 + r.x + r.width);
        expect(sameBytes(row, inner.image.data.subarray(y * r.width, (y + 1) * r.width))).toBe(true);
      }
      // Shifting the rectangle by one pixel breaks the match somewhere: it is exact, not approximate.
      let mismatch = 0;
      for (let y = 0; y < r.height; y++) {
        for (let x = 0; x < r.width; x++) {
          if (p.image.data[(r.y + y) * 320 + r.x + x + 1] !== inner.image.data[y * r.width + x]) mismatch++;
        }
      }
      expect(mismatch).toBeGreaterThan(0);
      for (let k = 0; k < p.sector.length; k++) {
        if (!p.sector[k]) continue;
        const x = k % 320;
        const y = (k - x) / 320;
        expect(x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height).toBe(true);
      }
    }
  });
});

describe('cine and y4m', () => {
  it('writes a .y4m that parses back with its header, frame count and sizes', () => {
    const clip = generateCine({
      classId: 'b_lines',
      width: 66,
      height: 50,
      seed: 8,
      seconds: 0.5,
      fps: 20,
      overlays: false,
    });
    expect(clip.frames).toHaveLength(10);
    const bytes = encodeY4m(clip.frames, clip.fps);
    const header = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(10)));
    expect(header).toBe('YUV4MPEG2 W66 H50 F20:1 Ip A1:1 C420');
    const parsed = parseY4m(bytes);
    expect(parsed.width).toBe(66);
    expect(parsed.height).toBe(50);
    expect(parsed.fps).toBe(20);
    expect(parsed.frames).toHaveLength(10);
    for (const f of parsed.frames) expect(f.length).toBe(66 * 50);
    expect(bytes.length).toBe(header.length + 1 + 10 * ('FRAME\n'.length + 66 * 50 + 2 * 33 * 25));
    // Luma is studio range and follows the grey frame.
    const k = clip.frames[0]!.data.indexOf(Math.max(...clip.frames[0]!.data));
    expect(parsed.frames[0]![k]).toBe(16 + Math.round((clip.frames[0]!.data[k]! * 219) / 255));
    expect(() => parseY4m(bytes.subarray(0, bytes.length - 5))).toThrow();
  });

  it('moves: lung sliding changes frames over time, deterministically', () => {
    const a = generateCine({
      classId: 'a_lines',
      width: 80,
      height: 60,
      seed: 9,
      seconds: 1,
      fps: 15,
      overlays: false,
    });
    const b = generateCine({
      classId: 'a_lines',
      width: 80,
      height: 60,
      seed: 9,
      seconds: 1,
      fps: 15,
      overlays: false,
    });
    expect(a.frames.every((f, k) => sameBytes(f.data, b.frames[k]!.data))).toBe(true);
    expect(sameBytes(a.frames[0]!.data, a.frames[7]!.data)).toBe(false);
  });
});
