// Draws every parameter of one phantom (probe, chest wall, per-sign lung content, imaging, overlays) from the spec's ranges.
import type { ClassId } from '../core/frame/index.ts';
import { lateralSpanMm, type ProbeGeometry, type ProbeKind, sectorBox } from './geometry.ts';
import { Random } from './random.ts';

export const GENERATOR_VERSION = '1.0.0';

export interface ProbeParams extends ProbeGeometry {
  frequencyMHz: number;
  focusDepthMm: number;
  axialFwhmMm: number;
  /** Lateral full width at half maximum at the focus. */
  lateralFwhmMm: number;
  /** Depth distance from the focus over which the lateral width grows by √2. */
  focalRangeMm: number;
  /** Darkening towards the sector's lateral edges (element directivity). */
  edgeFalloffDb: number;
}

export interface SeptumParams {
  depthFrac: number;
  tiltDeg: number;
  db: number;
  thicknessMm: number;
}

export interface MuscleParams {
  thicknessMm: number;
  db: number;
  striationAngleDeg: number;
  striationPeriodMm: number;
  striationDb: number;
}

export interface RibParams {
  /** Centre as a fraction of the lateral span at the pleura (may fall outside 0–1: rib partly out of view). */
  centerFrac: number;
  widthMm: number;
  /** How far the rib's upper surface sits above the pleural line. */
  aboveMm: number;
  cortexDb: number;
  shadowDb: number;
}

export interface ChestWallParams {
  pleuraDepthMm: number;
  /** 0: pleura follows the probe's arc (constant range); 1: a straight line across the image. */
  pleuraFlatness: number;
  pleuraTiltDeg: number;
  skinMm: number;
  skinDb: number;
  fatMm: number;
  fatDb: number;
  septa: SeptumParams[];
  muscles: MuscleParams[];
  fasciaDb: number;
  ribCount: number;
  /** Gap between the edges of two ribs; null with fewer than two ribs. */
  ribGapMm: number | null;
  ribs: RibParams[];
  /** One-way tissue attenuation. */
  attenuationDbPerCmMHz: number;
  specularFraction: number;
  specularDb: number;
  /** Bright reverberation clutter in the first millimetres under the probe. */
  nearFieldDb: number;
}

export interface PleuraParams {
  db: number;
  thicknessMm: number;
  roughnessMm: number;
  roughnessScaleMm: number;
  brightnessVariationDb: number;
  irregular: boolean;
  /** Fraction of the pleural line broken into gaps (diseased pleura only). */
  fragmentation: number;
}

export interface BLineParams {
  lateralFrac: number;
  widthMm: number;
  /** How far below the pleura's brightness the band sits (0–8 dB). */
  dropDb: number;
  striationDb: number;
  /** How much wider than at the pleura the band is at the bottom of the image (0: not at all). */
  spread: number;
}

export interface ALineParams {
  count: number;
  /** Amplitude ratio between consecutive reverberations (ρ). */
  ratio: number;
  /** Extra dimming for faint A-lines between B-lines; 0 for the A-line sign. */
  dimDb: number;
}

export interface TailParams {
  lateralFrac: number;
  lengthMm: number;
  widthMm: number;
  dropDb: number;
}

/** What aerated lung shows under the pleura: reverberation haze, A-lines, B-lines. */
export interface AeratedLungParams {
  /** Reverberation haze below the pleural line's brightness (the spec's −25 to −35 dB), so it tracks the pleura. */
  hazeDb: number;
  hazeNearDb: number;
  hazeDecayMm: number;
  streakDb: number;
  streakLengthMm: number;
  aLines: ALineParams | null;
  bLines: BLineParams[];
  /** In-band attenuation as a fraction of tissue's, so B-lines reach the bottom without fading out. */
  bandAttenuationFactor: number;
  whiteLung: { startFrac: number; widthFrac: number; dropDb: number } | null;
  tails: TailParams[];
}

export interface ALinesContent {
  kind: 'a_lines';
  lung: AeratedLungParams;
}

export interface BLinesContent {
  kind: 'b_lines';
  lung: AeratedLungParams;
}

export interface EffusionContent {
  kind: 'pleural_effusion';
  thicknessMm: number;
  fluidDb: number;
  /** Fluid attenuation as a fraction of tissue's (about 0: enhancement behind fluid). */
  fluidAttenuationFactor: number;
  shape: 'box' | 'crescent';
  /** Where the crescent is thickest, as a fraction of the lateral span. */
  crescentPeakFrac: number;
  crescentWidthFrac: number;
  lungLineDb: number;
  lungLineRoughnessMm: number;
  /** Tilt of the fluid's deep border, so the fluid is often a wedge rather than a band. */
  floorTiltDeg: number;
  diaphragm: {
    organ: 'liver' | 'spleen';
    db: number;
    organDb: number;
    vessels: number;
    domeMm: number;
  } | null;
  spine: {
    count: number;
    widthMm: number;
    gapMm: number;
    startFrac: number;
    depthFrac: number;
    db: number;
  } | null;
  jellyfish: {
    fromLeft: boolean;
    lengthFrac: number;
    thicknessMm: number;
    depthFrac: number;
    db: number;
  } | null;
  debris: { kind: 'strands' | 'dots'; count: number; db: number } | null;
  lung: AeratedLungParams;
}

export interface ConsolidationContent {
  kind: 'consolidation';
  size: 'small' | 'lobar';
  centerFrac: number;
  widthMm: number;
  heightMm: number;
  /** Rounded (low) to boxy (high) outline. */
  shapePower: number;
  tissueDb: number;
  textureDb: number;
  textureScaleMm: number;
  borderAmplitudeMm: number;
  shredDb: number;
  shredTails: number;
  airBronchograms: { count: number; branchingFrac: number; db: number };
  fluidBronchograms: { count: number; db: number } | null;
  pleuraDropDb: number;
  smallEffusion: { thicknessMm: number } | null;
  /** The aerated lung beside and below the consolidated part. */
  lung: AeratedLungParams;
}

export type LungContent = ALinesContent | BLinesContent | EffusionContent | ConsolidationContent;

export interface ImagingParams {
  tgcErrorsDb: number[];
  /** Largest TGC error on this frame (each band's error is drawn within ±this). */
  tgcErrorMaxDb: number;
  gainDb: number;
  /** Fraction of the tissue attenuation the TGC slope makes up: real frames darken with depth. */
  tgcCompensation: number;
  noiseBelowTopDb: number;
  dynamicRangeDb: number;
  /** Where muscle (0 dB) sits in the display range before gain, as a fraction from black (0) to white (1). */
  muscleGrey: number;
  gamma: number;
  /** Grey level the display maps the bottom of its range to (scanners' black level / reject setting). */
  blackLevel: number;
  /** Post-detection smoothing in resolution cells (scanners' speckle reduction; 0 = none). */
  speckleReduction: number;
}

export interface PostProcessingParams {
  smoothing: 'none' | 'median' | 'bilateral';
  unsharp: { amount: number; sigmaPx: number } | null;
}

export interface PlacementParams {
  /** Sector width relative to "fits the frame's width"; above 1 crops the sector's sides. */
  fill: number;
  /** Sector height relative to "fits the frame's height"; above 1 crops the deepest part. */
  fitHeight: number;
  shiftXFrac: number;
  topFrac: number;
  rotationDeg: number;
  flip: boolean;
}

export interface OverlayParams {
  letterbox: 'none' | '4:3' | '16:9';
  rulerSide: 'left' | 'right';
  grey: number;
  textLines: string[];
  textCorner: 'top-left' | 'top-right' | 'bottom-left';
  focusMarker: boolean;
  orientationDot: boolean;
  /** Part of the overlay falls outside the frame, as when a capture is cropped. */
  cropped: boolean;
}

export interface AugmentParams {
  brightness: number;
  contrast: number;
  blurSigmaPx: number;
  /** Down-then-up scaling factor; 1 when off. */
  rescale: number;
  noiseSigma: number;
}

export interface ScreenParams {
  theme: 'dark' | 'blue' | 'grey';
  background: number;
  /** The ultrasound image's rectangle inside the screen. */
  imageX: number;
  imageY: number;
  imageWidth: number;
  imageHeight: number;
  menuItems: string[];
  banner: string[];
  measurement: string;
  thumbnails: number;
  menuSide: 'left' | 'right';
  bannerHeight: number;
  menuWidth: number;
  thumbnailHeight: number;
}

export interface PhantomParams {
  generatorVersion: string;
  seed: number;
  classId: ClassId;
  width: number;
  height: number;
  beamLines: number;
  depthSamples: number;
  probe: ProbeParams;
  chestWall: ChestWallParams;
  pleura: PleuraParams;
  content: LungContent;
  imaging: ImagingParams;
  post: PostProcessingParams;
  placement: PlacementParams;
  overlay: OverlayParams | null;
  augment: AugmentParams | null;
  screen: ScreenParams | null;
  /** Seed of the speckle and fine-texture stream (everything not listed above). */
  textureSeed: number;
}

/** Knobs a caller may pin; everything else is drawn. */
export interface PhantomOverrides {
  probe: ProbeKind;
  depthMm: number;
  pleuraDepthMm: number;
  pleuraTiltDeg: number;
  pleuraFlatness: number;
  pleuraRoughnessMm: number;
  irregularPleura: boolean;
  ribCount: number;
  rotationDeg: number;
  flip: boolean;
  fill: number;
  fitHeight: number;
  shiftXFrac: number;
  topFrac: number;
  augment: boolean;
  postProcessing: boolean;
  gainDb: number;
  dynamicRangeDb: number;
  gamma: number;
  tgcErrorMaxDb: number;
  tgcCompensation: number;
  beamLines: number;
  depthSamples: number;
  aLineCount: number;
  aLineRatio: number;
  tailCount: number;
  bLineCount: number;
  whiteLung: boolean;
  faintALines: boolean;
  effusionThicknessMm: number;
  effusionShape: 'box' | 'crescent';
  consolidationSize: 'small' | 'lobar';
  smallEffusion: boolean;
}

export interface DrawOptions {
  classId: ClassId;
  width: number;
  height: number;
  seed: number;
  overrides?: Partial<PhantomOverrides>;
  overlays?: boolean | 'random';
  screen?: boolean;
  augment?: boolean;
}

/** Probe mix from the spec; effusion views are "mostly convex, 12–20 cm deep". */
export const PROBE_MIX: ReadonlyArray<readonly [ProbeKind, number]> = [
  ['convex', 0.7],
  ['linear', 0.2],
  ['phased', 0.1],
];
const EFFUSION_PROBE_MIX: ReadonlyArray<readonly [ProbeKind, number]> = [
  ['convex', 0.9],
  ['phased', 0.1],
];

export function drawPhantomParams(options: DrawOptions): PhantomParams {
  const { classId, width, height, seed } = options;
  const o = options.overrides ?? {};
  const root = new Random(seed);
  // One stream per section: pinning a knob in one section never changes the draws in another.
  const probeRng = root.fork();
  const wallRng = root.fork();
  const pleuraRng = root.fork();
  const contentRng = root.fork();
  const imagingRng = root.fork();
  const postRng = root.fork();
  const placementRng = root.fork();
  const overlayRng = root.fork();
  const augmentRng = root.fork();
  const screenRng = root.fork();
  const textureSeed = root.nextUint32();

  const screen = options.screen ? drawScreen(screenRng, width, height) : null;
  const imageWidth = screen ? screen.imageWidth : width;
  const imageHeight = screen ? screen.imageHeight : height;

  const pleuraDepthMm = o.pleuraDepthMm ?? wallRng.uniform(10, 40);
  const probe = drawProbe(probeRng, classId, pleuraDepthMm, o);
  const chestWall = drawChestWall(wallRng, probe, pleuraDepthMm, o);
  const pleura = drawPleura(pleuraRng, classId, o);
  const content = drawContent(contentRng, classId, probe, chestWall, o);
  const imaging = drawImaging(imagingRng, o);
  const post = drawPost(postRng, o);
  const overlaysOn =
    options.overlays === true ? true : options.overlays === false ? false : overlayRng.chance(0.5);
  const overlay = overlaysOn ? drawOverlay(overlayRng, probe, imaging) : null;
  const placement = drawPlacement(placementRng, overlay !== null, probe, chestWall.pleuraDepthMm, o);
  const augmentOn = o.augment ?? options.augment ?? true;
  const augment = augmentOn ? drawAugment(augmentRng) : null;

  const longSide = Math.max(imageWidth, imageHeight);
  const beamLines = o.beamLines ?? clampInt(Math.round(longSide * 0.8), 128, 256);
  const depthSamples =
    o.depthSamples ?? clampInt(Math.round(Math.max(imageWidth, imageHeight) * 2), 512, 1024);

  return {
    generatorVersion: GENERATOR_VERSION,
    seed,
    classId,
    width,
    height,
    beamLines,
    depthSamples,
    probe,
    chestWall,
    pleura,
    content,
    imaging,
    post,
    placement,
    overlay,
    augment,
    screen,
    textureSeed,
  };
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

function drawProbe(
  rng: Random,
  classId: ClassId,
  pleuraDepthMm: number,
  o: Partial<PhantomOverrides>,
): ProbeParams {
  const effusion = classId === 'pleural_effusion';
  const kind = o.probe ?? rng.weighted(effusion ? EFFUSION_PROBE_MIX : PROBE_MIX);
  let radiusMm = 0;
  let sectorDeg = 0;
  let widthMm = 0;
  let depthMm: number;
  let frequencyMHz: number;
  if (kind === 'convex') {
    radiusMm = rng.uniform(40, 60);
    sectorDeg = rng.uniform(55, 80);
    depthMm = effusion ? rng.uniform(120, 200) : rng.uniform(80, 200);
    frequencyMHz = rng.uniform(2, 5);
  } else if (kind === 'linear') {
    widthMm = rng.uniform(35, 50);
    depthMm = rng.uniform(40, 80);
    frequencyMHz = rng.uniform(6, 12);
  } else {
    radiusMm = rng.uniform(1, 8);
    sectorDeg = rng.uniform(60, 90);
    depthMm = effusion ? rng.uniform(120, 200) : rng.uniform(80, 200);
    frequencyMHz = rng.uniform(1.5, 4);
  }
  if (o.depthMm !== undefined) depthMm = o.depthMm;
  // The chest wall is drawn before, and independently of, the probe, so its thickness cannot hint at the sign
  // (effusion views are deeper by the spec); a shallow linear view deepens just enough to show the first A-line.
  if (kind === 'linear' && o.depthMm === undefined)
    depthMm = Math.max(depthMm, Math.min(80, 2.2 * pleuraDepthMm));
  const focusDepthMm = Math.min(rng.uniform(10, 60), depthMm * 0.8);
  return {
    kind,
    radiusMm,
    sectorDeg,
    widthMm,
    depthMm,
    frequencyMHz,
    focusDepthMm,
    axialFwhmMm: rng.uniform(0.3, 0.8),
    lateralFwhmMm: rng.uniform(1, 3),
    focalRangeMm: rng.uniform(30, 80),
    edgeFalloffDb: kind === 'linear' ? rng.uniform(0, 2) : rng.uniform(0, 8),
  };
}

function drawChestWall(
  rng: Random,
  probe: ProbeParams,
  pleuraDepthMm: number,
  o: Partial<PhantomOverrides>,
): ChestWallParams {
  const skinMm = rng.uniform(1, 2);
  const fatMm = Math.min(rng.uniform(2, 15), Math.max(1, pleuraDepthMm - skinMm - 4));
  const septa: SeptumParams[] = [];
  const septumCount = rng.int(0, 4);
  for (let s = 0; s < septumCount; s++) {
    septa.push({
      depthFrac: rng.uniform(0.15, 0.9),
      tiltDeg: rng.uniform(-8, 8),
      db: rng.uniform(0, 10),
      thicknessMm: rng.uniform(0.3, 0.9),
    });
  }
  const muscleTotal = Math.max(1, pleuraDepthMm - skinMm - fatMm);
  const muscleCount = muscleTotal > 24 ? rng.int(2, 3) : muscleTotal > 10 ? rng.int(1, 2) : 1;
  const cuts: number[] = [];
  for (let m = 0; m < muscleCount; m++) cuts.push(rng.uniform(0.6, 1.4));
  const cutSum = cuts.reduce((a, b) => a + b, 0);
  const muscles: MuscleParams[] = cuts.map((c) => ({
    thicknessMm: (muscleTotal * c) / cutSum,
    db: rng.uniform(-3, 3),
    striationAngleDeg: rng.sign() * rng.uniform(3, 30),
    striationPeriodMm: rng.uniform(0.8, 3),
    striationDb: rng.uniform(2, 9),
  }));

  const ribCount = o.ribCount ?? rng.int(0, 2);
  const span = lateralSpanMm(probe, pleuraDepthMm);
  const ribs: RibParams[] = [];
  const rib = (centerFrac: number): RibParams => ({
    centerFrac,
    widthMm: rng.uniform(8, 13),
    aboveMm: rng.uniform(2, 6),
    cortexDb: rng.uniform(10, 22),
    shadowDb: rng.uniform(30, 40),
  });
  let ribGapMm: number | null = null;
  if (ribCount === 1) {
    ribs.push(rib(rng.uniform(0, 1)));
  } else if (ribCount >= 2) {
    ribGapMm = rng.uniform(20, 30);
    const gapCentre = rng.uniform(0.3, 0.7);
    const left = rib(0);
    const right = rib(0);
    left.centerFrac = gapCentre - (ribGapMm / 2 + left.widthMm / 2) / span;
    right.centerFrac = gapCentre + (ribGapMm / 2 + right.widthMm / 2) / span;
    ribs.push(left, right);
  }
  return {
    pleuraDepthMm,
    pleuraFlatness: rng.uniform(0, 1),
    pleuraTiltDeg: rng.uniform(-8, 8),
    skinMm,
    skinDb: rng.uniform(3, 7),
    fatMm,
    fatDb: rng.uniform(-14, -8),
    septa,
    muscles,
    fasciaDb: rng.uniform(3, 12),
    ribCount,
    ribGapMm,
    ribs,
    attenuationDbPerCmMHz: rng.uniform(0.5, 0.7),
    specularFraction: rng.uniform(0.001, 0.01),
    specularDb: rng.uniform(6, 15),
    nearFieldDb: rng.uniform(0, 8),
  };
}

function drawPleura(rng: Random, classId: ClassId, o: Partial<PhantomOverrides>): PleuraParams {
  // Irregular pleura: half of the B-line frames and most consolidations; never on an A-line (normal) frame.
  const pIrregular =
    classId === 'b_lines'
      ? 0.5
      : classId === 'consolidation'
        ? 0.7
        : classId === 'pleural_effusion'
          ? 0.2
          : 0;
  const irregular = o.irregularPleura ?? rng.chance(pIrregular);
  const roughnessMm = o.pleuraRoughnessMm ?? (irregular ? rng.uniform(0.5, 2) : rng.uniform(0, 0.3));
  return {
    db: rng.uniform(15, 25),
    thicknessMm: irregular ? rng.uniform(1.5, 3) : rng.uniform(1, 2.2),
    roughnessMm,
    roughnessScaleMm: rng.uniform(1.5, 6),
    brightnessVariationDb: rng.uniform(1, 5),
    irregular,
    fragmentation: irregular ? rng.uniform(0, 0.4) : 0,
  };
}

function drawAeratedLung(
  rng: Random,
  aLines: ALineParams | null,
  bLineCount: number,
  whiteLung: boolean,
  tailCount: number,
): AeratedLungParams {
  const bLines: BLineParams[] = [];
  for (let b = 0; b < bLineCount; b++) {
    bLines.push({
      lateralFrac: rng.uniform(0, 1),
      widthMm: rng.uniform(1, 5),
      dropDb: rng.uniform(0, 8),
      striationDb: rng.uniform(0.5, 2.5),
      spread: rng.uniform(0, 3),
    });
  }
  const tails: TailParams[] = [];
  for (let t = 0; t < tailCount; t++) {
    tails.push({
      lateralFrac: rng.uniform(0, 1),
      lengthMm: rng.uniform(5, 30),
      widthMm: rng.uniform(0.6, 2),
      dropDb: rng.uniform(4, 14),
    });
  }
  return {
    hazeDb: rng.uniform(-35, -25),
    hazeNearDb: rng.uniform(0, 4),
    hazeDecayMm: rng.uniform(3, 20),
    streakDb: rng.uniform(0.5, 3),
    streakLengthMm: rng.uniform(4, 20),
    aLines,
    bLines,
    bandAttenuationFactor: rng.uniform(0.2, 0.5),
    whiteLung: whiteLung
      ? { startFrac: rng.uniform(0, 1), widthFrac: rng.uniform(0.2, 0.7), dropDb: rng.uniform(2, 10) }
      : null,
    tails,
  };
}

function drawALines(rng: Random, o: Partial<PhantomOverrides>, dimDb: number): ALineParams {
  return { count: o.aLineCount ?? rng.int(2, 5), ratio: o.aLineRatio ?? rng.uniform(0.4, 0.75), dimDb };
}

function drawContent(
  rng: Random,
  classId: ClassId,
  probe: ProbeParams,
  wall: ChestWallParams,
  o: Partial<PhantomOverrides>,
): LungContent {
  if (classId === 'a_lines') {
    const aLines = drawALines(rng, o, 0);
    return { kind: 'a_lines', lung: drawAeratedLung(rng, aLines, 0, false, o.tailCount ?? rng.int(0, 2)) };
  }
  if (classId === 'b_lines') {
    const whiteLung = o.whiteLung ?? rng.chance(0.25);
    const faint = o.faintALines ?? rng.chance(0.5);
    const aLines = faint ? drawALines(rng, o, rng.uniform(6, 15)) : null;
    const count = o.bLineCount ?? rng.int(1, 8);
    return { kind: 'b_lines', lung: drawAeratedLung(rng, aLines, count, whiteLung, 0) };
  }
  if (classId === 'pleural_effusion') {
    const room = probe.depthMm - wall.pleuraDepthMm - 15;
    const thicknessMm = o.effusionThicknessMm ?? Math.min(rng.uniform(10, 80), Math.max(8, room));
    const diaphragm = rng.chance(0.6)
      ? {
          organ: rng.chance(0.5) ? ('liver' as const) : ('spleen' as const),
          db: rng.uniform(8, 18),
          organDb: rng.uniform(-12, -3),
          vessels: rng.int(0, 6),
          domeMm: rng.uniform(5, 40),
        }
      : null;
    const spine = rng.chance(0.3)
      ? {
          count: rng.int(2, 4),
          widthMm: rng.uniform(12, 22),
          gapMm: rng.uniform(4, 10),
          startFrac: rng.uniform(0, 0.5),
          depthFrac: rng.uniform(0.75, 1),
          db: rng.uniform(12, 22),
        }
      : null;
    const jellyfish = rng.chance(0.4)
      ? {
          fromLeft: rng.chance(0.5),
          lengthFrac: rng.uniform(0.3, 0.8),
          thicknessMm: rng.uniform(6, 25),
          depthFrac: rng.uniform(0.3, 0.7),
          db: rng.uniform(-6, 2),
        }
      : null;
    const debris = rng.chance(0.2)
      ? {
          kind: rng.chance(0.5) ? ('strands' as const) : ('dots' as const),
          count: rng.int(2, 40),
          db: rng.uniform(-14, -2),
        }
      : null;
    return {
      kind: 'pleural_effusion',
      thicknessMm,
      fluidDb: rng.uniform(-48, -42),
      fluidAttenuationFactor: rng.uniform(0.2, 0.6),
      shape: o.effusionShape ?? (rng.chance(0.5) ? 'box' : 'crescent'),
      crescentPeakFrac: rng.uniform(0, 1),
      crescentWidthFrac: rng.uniform(0.6, 1.6),
      lungLineDb: rng.uniform(4, 14),
      lungLineRoughnessMm: rng.uniform(0.5, 3),
      floorTiltDeg: rng.uniform(-25, 25),
      diaphragm,
      spine,
      jellyfish,
      debris,
      lung: drawAeratedLung(rng, null, 0, false, 0),
    };
  }
  const size = o.consolidationSize ?? (rng.chance(0.5) ? 'small' : 'lobar');
  const room = Math.max(8, probe.depthMm - wall.pleuraDepthMm - 8);
  const widthMm = size === 'small' ? rng.uniform(10, 20) : rng.uniform(30, 100);
  const heightMm = Math.min(size === 'small' ? rng.uniform(10, 20) : rng.uniform(30, 100), room);
  const lateralALines = rng.chance(0.4) ? drawALines(rng, o, rng.uniform(0, 8)) : null;
  const lateralBLines = rng.chance(0.3) ? rng.int(1, 3) : 0;
  return {
    kind: 'consolidation',
    size,
    centerFrac: rng.uniform(0.15, 0.85),
    widthMm,
    heightMm,
    shapePower: rng.uniform(1.5, 4),
    tissueDb: rng.uniform(-10, 0),
    textureDb: rng.uniform(2.5, 6),
    textureScaleMm: rng.uniform(2, 8),
    borderAmplitudeMm: rng.uniform(3, 10),
    shredDb: rng.uniform(4, 14),
    shredTails: rng.int(0, 6),
    airBronchograms: { count: rng.int(5, 40), branchingFrac: rng.uniform(0, 0.6), db: rng.uniform(3, 12) },
    fluidBronchograms: rng.chance(0.3) ? { count: rng.int(1, 4), db: rng.uniform(-30, -18) } : null,
    pleuraDropDb: rng.uniform(5, 12),
    smallEffusion: (o.smallEffusion ?? rng.chance(0.3)) ? { thicknessMm: rng.uniform(2, 10) } : null,
    lung: drawAeratedLung(rng, lateralALines, lateralBLines, false, 0),
  };
}

function drawImaging(rng: Random, o: Partial<PhantomOverrides>): ImagingParams {
  const bands = rng.int(6, 8);
  const tgcErrorMaxDb = o.tgcErrorMaxDb ?? rng.uniform(0, 6);
  const tgcErrorsDb: number[] = [];
  for (let b = 0; b < bands; b++) tgcErrorsDb.push(rng.uniform(-tgcErrorMaxDb, tgcErrorMaxDb));
  return {
    tgcErrorsDb,
    tgcErrorMaxDb,
    gainDb: o.gainDb ?? rng.uniform(-10, 10),
    tgcCompensation: o.tgcCompensation ?? rng.uniform(0.7, 1),
    noiseBelowTopDb: rng.uniform(50, 70),
    dynamicRangeDb: o.dynamicRangeDb ?? rng.uniform(45, 70),
    muscleGrey: rng.uniform(0.28, 0.55),
    gamma: o.gamma ?? (rng.chance(0.5) ? rng.uniform(0.7, 1.4) : 1),
    blackLevel: rng.chance(0.6) ? rng.uniform(0, 20) : 0,
    speckleReduction: rng.uniform(0.4, 1.6),
  };
}

function drawPost(rng: Random, o: Partial<PhantomOverrides>): PostProcessingParams {
  const smoothingOn = rng.chance(0.3);
  const smoothingKind = rng.chance(0.5) ? ('median' as const) : ('bilateral' as const);
  const unsharpOn = rng.chance(0.3);
  const unsharp = { amount: rng.uniform(0.3, 1.2), sigmaPx: rng.uniform(0.7, 1.5) };
  if (o.postProcessing === false) return { smoothing: 'none', unsharp: null };
  return { smoothing: smoothingOn ? smoothingKind : 'none', unsharp: unsharpOn ? unsharp : null };
}

function drawPlacement(
  rng: Random,
  overlays: boolean,
  probe: ProbeParams,
  pleuraDepthMm: number,
  o: Partial<PhantomOverrides>,
): PlacementParams {
  const rotate = rng.chance(0.3);
  const rotationDeg = rng.uniform(-12, 12);
  // Real exported frames are mostly cropped to the sector, often cutting its sides: fill above 1 crops.
  const fill = overlays ? rng.uniform(0.85, 1.05) : rng.uniform(1, 1.8);
  const fitHeight = overlays ? rng.uniform(0.85, 1) : rng.uniform(0.95, 1.2);
  return {
    fill: o.fill ?? fill,
    fitHeight: o.fitHeight ?? fitHeight,
    shiftXFrac: o.shiftXFrac ?? rng.uniform(-0.1, 0.1),
    topFrac: o.topFrac ?? (overlays ? rng.uniform(0, 0.08) : topCrop(rng, probe, pleuraDepthMm, fitHeight)),
    rotationDeg: o.rotationDeg ?? (rotate ? rotationDeg : 0),
    flip: o.flip ?? rng.chance(0.5),
  };
}

/**
 * Real exports often start below the skin; crop up to 12% of the frame from the top, but never more than
 * 60% of the chest wall, so the pleura always stays in view.
 */
function topCrop(rng: Random, probe: ProbeParams, pleuraDepthMm: number, fitHeight: number): number {
  const box = sectorBox(probe);
  const limit = (0.6 * pleuraDepthMm * fitHeight) / (box.y1 - box.y0);
  return Math.max(rng.uniform(-0.12, 0.02), -limit);
}

const PROBE_NAMES: Record<ProbeKind, readonly string[]> = {
  convex: ['C5-1', 'C5-2', 'C60X', 'C1-5', 'CA1-7', 'C3', 'AB2-7', 'CURVED'],
  linear: ['L12-4', 'L11-3', 'L38', 'ML6-15', 'L4-12T', 'L7', 'LINEAR'],
  phased: ['P4-2', 'S5-1', 'P21', 'SP5-1', 'P5-1', 'PHASED'],
};
const PRESETS = ['LUNG', 'ABD', 'THORAX', 'PLEURA', 'GEN', 'FAST', 'PEN', 'RES'];

function drawOverlay(rng: Random, probe: ProbeParams, imaging: ImagingParams): OverlayParams {
  const date = `${rng.int(2015, 2025)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  const candidates = [
    rng.pick(PROBE_NAMES[probe.kind]),
    `${probe.frequencyMHz.toFixed(1)}MHZ`,
    rng.pick(PRESETS),
    `G ${Math.round(50 + imaging.gainDb * 2)}`,
    `MI ${rng.uniform(0.2, 1.4).toFixed(1)}`,
    `TIS ${rng.uniform(0.1, 1.2).toFixed(1)}`,
    `D ${(probe.depthMm / 10).toFixed(1)}CM`,
    `DR ${Math.round(imaging.dynamicRangeDb)}`,
    date,
    `${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`,
    `FR ${rng.int(12, 60)}HZ`,
  ];
  const textLines = candidates.filter(() => rng.chance(0.6));
  return {
    letterbox: rng.weighted([
      ['none', 0.7],
      ['4:3', 0.15],
      ['16:9', 0.15],
    ] as const),
    rulerSide: rng.chance(0.5) ? 'left' : 'right',
    grey: rng.int(140, 255),
    textLines,
    textCorner: rng.pick(['top-left', 'top-right', 'bottom-left'] as const),
    focusMarker: rng.chance(0.7),
    orientationDot: rng.chance(0.7),
    cropped: rng.chance(0.2),
  };
}

function drawAugment(rng: Random): AugmentParams {
  const blurOn = rng.chance(0.3);
  const blur = rng.uniform(0, 1.5);
  const rescaleOn = rng.chance(0.2);
  const rescale = rng.uniform(0.4, 0.8);
  const noiseOn = rng.chance(0.3);
  const noise = rng.uniform(1, 8);
  return {
    brightness: rng.uniform(0.7, 1.3),
    contrast: rng.uniform(0.7, 1.3),
    blurSigmaPx: blurOn ? blur : 0,
    rescale: rescaleOn ? rescale : 1,
    noiseSigma: noiseOn ? noise : 0,
  };
}

const MENU_WORDS = [
  'B-MODE',
  'GAIN',
  'DEPTH',
  'FOCUS',
  'FREQ',
  'TGC',
  'PRESET',
  'FREEZE',
  'MEASURE',
  'CINE',
  'SAVE',
  'PRINT',
  'ZOOM',
  'M-MODE',
  'COLOR',
  'PW',
];
const NAMES = ['DOE^JANE', 'SMITH^J', 'PATIENT 01', 'ANON', 'TEST^PT', 'ICU BED 4', 'ED 12', 'WARD 7B'];

function drawScreen(rng: Random, width: number, height: number): ScreenParams {
  const theme = rng.pick(['dark', 'blue', 'grey'] as const);
  const background =
    theme === 'dark' ? rng.int(10, 40) : theme === 'blue' ? rng.int(30, 60) : rng.int(50, 90);
  const menuSide = rng.chance(0.7) ? ('left' as const) : ('right' as const);
  const bannerH = Math.round(height * rng.uniform(0.05, 0.1));
  const menuW = Math.round(width * rng.uniform(0.1, 0.2));
  const thumbsH = rng.chance(0.6) ? Math.round(height * rng.uniform(0.1, 0.16)) : 0;
  const freeX0 = menuSide === 'left' ? menuW + 2 : 2;
  const freeX1 = menuSide === 'left' ? width - 2 : width - menuW - 2;
  const freeY0 = bannerH + 2;
  const freeY1 = height - thumbsH - 2;
  const freeW = freeX1 - freeX0;
  const freeH = freeY1 - freeY0;
  const aspect = rng.uniform(1, 1.45);
  const scale = rng.uniform(0.7, 1);
  let imageHeight = Math.floor(freeH * scale);
  let imageWidth = Math.floor(imageHeight * aspect);
  if (imageWidth > freeW) {
    imageWidth = Math.floor(freeW * scale);
    imageHeight = Math.min(freeH, Math.floor(imageWidth / aspect));
  }
  imageWidth = Math.max(16, imageWidth);
  imageHeight = Math.max(16, imageHeight);
  const imageX = freeX0 + rng.int(0, Math.max(0, freeW - imageWidth));
  const imageY = freeY0 + rng.int(0, Math.max(0, freeH - imageHeight));
  const menuItems = MENU_WORDS.filter(() => rng.chance(0.5)).slice(0, 10);
  const banner = [
    rng.pick(NAMES),
    `ID ${rng.int(100000, 999999)}`,
    `${rng.int(2015, 2025)}/${String(rng.int(1, 12)).padStart(2, '0')}/${String(rng.int(1, 28)).padStart(2, '0')}`,
    rng.pick(['GENERAL HOSPITAL', 'ICU', 'EMERGENCY', 'POCUS', 'CLINIC']),
  ];
  return {
    theme,
    background,
    imageX,
    imageY,
    imageWidth,
    imageHeight,
    menuItems,
    banner,
    measurement: `D1 ${rng.uniform(0.5, 9).toFixed(2)} CM`,
    thumbnails: thumbsH > 0 ? rng.int(3, 6) : 0,
    menuSide,
    bannerHeight: bannerH,
    menuWidth: menuW,
    thumbnailHeight: thumbsH,
  };
}
