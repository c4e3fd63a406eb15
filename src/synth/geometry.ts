// Probe geometry: beam-space grid (scan lines × depth samples), lateral positions, and the sector's outline in millimetres.

export type ProbeKind = 'convex' | 'linear' | 'phased';

export interface ProbeGeometry {
  kind: ProbeKind;
  /** Radius of the probe face (convex) or of the virtual apex (phased); 0 for linear. */
  radiusMm: number;
  /** Full opening angle of a convex or phased sector; 0 for linear. */
  sectorDeg: number;
  /** Footprint width of a linear probe; 0 otherwise. */
  widthMm: number;
  depthMm: number;
}

/** The beam-space grid the image is formed on before scan conversion. */
export interface BeamGrid {
  geometry: ProbeGeometry;
  lines: number;
  samples: number;
  /** Millimetres per depth sample. */
  dr: number;
  /** Line angle in radians (convex, phased) or lateral position in mm (linear), per line. */
  lineCoord: Float32Array;
  /** Lateral position in mm measured at the nominal pleural depth, per line: where objects are placed. */
  lateralMm: Float32Array;
  /** Step between line coordinates (radians or mm). */
  lineStep: number;
}

export function isSector(kind: ProbeKind): boolean {
  return kind !== 'linear';
}

/** Lateral extent (mm) of the field of view at a given depth below the probe face. */
export function lateralSpanMm(geometry: ProbeGeometry, depthMm: number): number {
  if (geometry.kind === 'linear') return geometry.widthMm;
  return ((geometry.sectorDeg * Math.PI) / 180) * (geometry.radiusMm + depthMm);
}

export function createBeamGrid(
  geometry: ProbeGeometry,
  lines: number,
  samples: number,
  nominalPleuraMm: number,
): BeamGrid {
  const lineCoord = new Float32Array(lines);
  const lateralMm = new Float32Array(lines);
  let lineStep: number;
  if (geometry.kind === 'linear') {
    lineStep = geometry.widthMm / (lines - 1);
    for (let i = 0; i < lines; i++) {
      lineCoord[i] = -geometry.widthMm / 2 + i * lineStep;
      lateralMm[i] = lineCoord[i]!;
    }
  } else {
    const half = (geometry.sectorDeg * Math.PI) / 360;
    lineStep = (2 * half) / (lines - 1);
    for (let i = 0; i < lines; i++) {
      lineCoord[i] = -half + i * lineStep;
      lateralMm[i] = lineCoord[i]! * (geometry.radiusMm + nominalPleuraMm);
    }
  }
  return { geometry, lines, samples, dr: geometry.depthMm / (samples - 1), lineCoord, lateralMm, lineStep };
}

/** Distance between neighbouring scan lines at a depth: the lateral sampling the point-spread blur works in. */
export function lineSpacingMm(grid: BeamGrid, depthMm: number): number {
  if (grid.geometry.kind === 'linear') return grid.lineStep;
  return grid.lineStep * (grid.geometry.radiusMm + depthMm);
}

/** Axis-aligned bounding box of the imaged sector in probe coordinates (x right, y down, apex at 0,0). */
export interface SectorBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function sectorBox(geometry: ProbeGeometry): SectorBox {
  if (geometry.kind === 'linear') {
    return { x0: -geometry.widthMm / 2, x1: geometry.widthMm / 2, y0: 0, y1: geometry.depthMm };
  }
  const half = (geometry.sectorDeg * Math.PI) / 360;
  const outer = geometry.radiusMm + geometry.depthMm;
  return {
    x0: -outer * Math.sin(half),
    x1: outer * Math.sin(half),
    y0: geometry.radiusMm * Math.cos(half),
    y1: outer,
  };
}

/**
 * Probe coordinates (mm) to fractional beam-space indices; NaN when outside the imaged sector.
 * Writes into out[0] (line) and out[1] (sample).
 */
export function probeToBeam(grid: BeamGrid, x: number, y: number, out: Float64Array): boolean {
  const g = grid.geometry;
  let lineCoord: number;
  let r: number;
  if (g.kind === 'linear') {
    lineCoord = x;
    r = y;
  } else {
    lineCoord = Math.atan2(x, y);
    r = Math.sqrt(x * x + y * y) - g.radiusMm;
  }
  const line = (lineCoord - grid.lineCoord[0]!) / grid.lineStep;
  const sample = r / grid.dr;
  if (
    line < 0 ||
    line > grid.lines - 1 ||
    sample < 0 ||
    sample > grid.samples - 1 ||
    (g.kind !== 'linear' && y <= 0)
  ) {
    return false;
  }
  out[0] = line;
  out[1] = sample;
  return true;
}

/** Beam-space position (line coordinate, range) to probe coordinates (mm). */
export function beamToProbe(geometry: ProbeGeometry, lineCoord: number, rangeMm: number): [number, number] {
  if (geometry.kind === 'linear') return [lineCoord, rangeMm];
  const rho = geometry.radiusMm + rangeMm;
  return [rho * Math.sin(lineCoord), rho * Math.cos(lineCoord)];
}
