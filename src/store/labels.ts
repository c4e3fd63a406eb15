// Checks that a stored or imported value is a clinician label (one of the four signs, or unsure), or a case label.

import { isClassId, type CaseLabel, type ClinicianLabel } from '../core';

export function isClinicianLabel(value: unknown): value is ClinicianLabel {
  return value === 'unsure' || isClassId(value);
}

/** A stored case's label: a reading, or "unlabelled" (saved without one). */
export function isCaseLabel(value: unknown): value is CaseLabel {
  return value === 'unlabelled' || isClinicianLabel(value);
}
