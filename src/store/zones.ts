// Lung zones a frame can be filed under: the BLUE-protocol points and the 12-zone scheme, per side.

export type ZoneScheme = 'blue' | 'twelve';

export interface LungZone {
  id: string;
  scheme: ZoneScheme;
  label: string;
}

const SIDES = [
  ['R', 'Right'],
  ['L', 'Left'],
] as const;

const BLUE_POINTS = [
  ['upper', 'upper BLUE point'],
  ['lower', 'lower BLUE point'],
  ['plaps', 'PLAPS point'],
] as const;

// 12-zone scheme: anterior, lateral and posterior, each upper and lower, on both sides (1–6 per side).
const TWELVE = [
  ['1', 'anterior upper'],
  ['2', 'anterior lower'],
  ['3', 'lateral upper'],
  ['4', 'lateral lower'],
  ['5', 'posterior upper'],
  ['6', 'posterior lower'],
] as const;

export const LUNG_ZONES: readonly LungZone[] = [
  ...SIDES.flatMap(([s, side]) =>
    BLUE_POINTS.map(([p, name]) => ({
      id: `blue-${s}-${p}`,
      scheme: 'blue' as const,
      label: `${side} ${name}`,
    })),
  ),
  ...SIDES.flatMap(([s, side]) =>
    TWELVE.map(([n, name]) => ({
      id: `zone-${s}${n}`,
      scheme: 'twelve' as const,
      label: `${s}${n} · ${side} ${name}`,
    })),
  ),
];

export const ZONE_SCHEME_NAMES: Record<ZoneScheme, string> = {
  blue: 'BLUE protocol points',
  twelve: '12-zone scheme',
};

export function zoneLabel(id: string): string {
  if (!id) return 'No zone';
  return LUNG_ZONES.find((z) => z.id === id)?.label ?? id;
}

export function isZoneId(id: unknown): id is string {
  return typeof id === 'string' && (id === '' || LUNG_ZONES.some((z) => z.id === id));
}
