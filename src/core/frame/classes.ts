// The four lung-ultrasound signs: ids (stable, also data-set folder names), display names and label aliases.

/** Output order of every model and folder names of labelled data sets. Never reorder. */
export const CLASS_IDS = ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'] as const;

export type ClassId = (typeof CLASS_IDS)[number];

/** A clinician's label may also be "unsure", which metrics exclude and report as coverage. */
export type ClinicianLabel = ClassId | 'unsure';

/**
 * A stored case's label: a reading (a sign or unsure), or "unlabelled" for a frame saved without one (a batch
 * frame outside any sign-named folder). Metrics exclude both unsure and unlabelled and count them.
 */
export type CaseLabel = ClinicianLabel | 'unlabelled';

export const CLASS_NAMES: Readonly<Record<ClassId, string>> = {
  a_lines: 'A-lines',
  b_lines: 'B-lines',
  pleural_effusion: 'Pleural effusion',
  consolidation: 'Lung consolidation',
};

/** Short form used where space is tight (table headers, confusion-matrix axes), as in the seed study. */
export const CLASS_SHORT_NAMES: Readonly<Record<ClassId, string>> = {
  a_lines: 'A',
  b_lines: 'B',
  pleural_effusion: 'PE',
  consolidation: 'LC',
};

export function isClassId(value: unknown): value is ClassId {
  return typeof value === 'string' && (CLASS_IDS as readonly string[]).includes(value);
}

export function classIndex(id: ClassId): number {
  return CLASS_IDS.indexOf(id);
}

// Aliases are compared after lower-casing and removing separators, so "A-lines", "a_lines",
// "A lines" and "ALines" all match. Single letters are kept because departments name folders "A", "B".
const ALIASES: ReadonlyArray<readonly [string, ClassId]> = [
  ['alines', 'a_lines'],
  ['aline', 'a_lines'],
  ['a', 'a_lines'],
  ['blines', 'b_lines'],
  ['bline', 'b_lines'],
  ['b', 'b_lines'],
  ['pleuraleffusion', 'pleural_effusion'],
  ['effusion', 'pleural_effusion'],
  ['pe', 'pleural_effusion'],
  ['consolidation', 'consolidation'],
  ['lungconsolidation', 'consolidation'],
  ['lc', 'consolidation'],
];

/**
 * Reads a label from a whole folder or file-name component. Only the whole name counts:
 * "Ward B" or "Patient A" are not labels.
 */
export function classFromAlias(name: string): ClassId | null {
  const key = name.toLowerCase().replace(/[\s_\-.]+/g, '');
  for (const [alias, id] of ALIASES) if (alias === key) return id;
  return null;
}
