// The five answers a reader can give (four signs or unsure), their keys (1–4, U) and how they read.

import { CLASS_IDS, CLASS_NAMES, type CaseLabel, type ClinicianLabel } from '../../../core';
import type { CaseRecord } from '../../../store';

export interface LabelChoice {
  id: ClinicianLabel;
  name: string;
  key: string;
}

export const LABEL_CHOICES: readonly LabelChoice[] = [
  ...CLASS_IDS.map((id, i) => ({ id, name: CLASS_NAMES[id], key: String(i + 1) })),
  { id: 'unsure', name: 'Unsure', key: 'U' },
];

export function labelName(label: CaseLabel): string {
  return label === 'unsure' ? 'Unsure' : label === 'unlabelled' ? 'Not labelled' : CLASS_NAMES[label];
}

/** "B-lines (folder label)": a folder's label never reads as a reader's. */
export function caseLabelText(c: Pick<CaseRecord, 'label' | 'labelSource'>): string {
  return c.labelSource ? `${labelName(c.label)} (folder label)` : labelName(c.label);
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
