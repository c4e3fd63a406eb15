// The five answers a reader can give (four signs or unsure), their keys (1–4, U) and how they read.

import { CLASS_IDS, CLASS_NAMES, type ClinicianLabel } from '../../domain';

export interface LabelChoice {
  id: ClinicianLabel;
  name: string;
  key: string;
}

export const LABEL_CHOICES: readonly LabelChoice[] = [
  ...CLASS_IDS.map((id, i) => ({ id, name: CLASS_NAMES[id], key: String(i + 1) })),
  { id: 'unsure', name: 'Unsure', key: 'U' },
];

export function labelName(label: ClinicianLabel): string {
  return label === 'unsure' ? 'Unsure' : CLASS_NAMES[label];
}

/** The label a key press picks (1–4, U), or null. Ignores presses while typing in a field. */
export function labelForKey(event: KeyboardEvent): ClinicianLabel | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const t = event.target as HTMLElement | null;
  if (
    t &&
    (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)
  ) {
    return null;
  }
  const k = event.key.toUpperCase();
  return LABEL_CHOICES.find((c) => c.key === k)?.id ?? null;
}
