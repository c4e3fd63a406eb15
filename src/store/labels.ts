// Checks that a stored or imported value is a clinician label (one of the four signs, or unsure).

import { isClassId, type ClinicianLabel } from '../domain';

export function isClinicianLabel(value: unknown): value is ClinicianLabel {
  return value === 'unsure' || isClassId(value);
}
