// Case filters: label, model sign, agreement (per model version), zone, exam and date, combined.

import { describe, expect, it } from 'vitest';
import type { ClassId } from '../../core';
import type { CaseRecord, StoredPrediction } from '../../store';
import { ANY_SCOPE, caseLibrarySource, examsOf, filterSource, zonesOf } from '../shared';
import { NO_FILTERS, agrees, matchesFilters, modelKeysOf } from './caseFilters';

const scored = (version: string, top: ClassId, at: number): StoredPrediction => ({
  status: 'scored',
  modelId: 'm',
  modelVersion: version,
  at,
  probabilities: { a_lines: 0.1, b_lines: 0.1, pleural_effusion: 0.1, consolidation: 0.1, [top]: 0.7 },
  top,
  lowConfidence: false,
  backend: 'wasm',
  inferenceMs: 1,
});

function record(id: string, extra: Partial<CaseRecord>): CaseRecord {
  return {
    id,
    kind: 'frame',
    created: new Date('2026-11-10T10:00:00').getTime(),
    updated: 0,
    source: `${id}.png`,
    image: new Blob([]),
    imageKind: 'cropped',
    imageWidth: 1,
    imageHeight: 1,
    thumbnail: new Blob([]),
    crop: { x: 0, y: 0, width: 1, height: 1 },
    frameWidth: 1,
    frameHeight: 1,
    label: 'a_lines',
    reader: 'AB',
    labelHistory: [],
    examId: 'EX-1',
    zone: 'zone-R1',
    notes: '',
    predictions: {},
    ...extra,
  };
}

const cases = [
  record('a', { predictions: { 'm@1': scored('1', 'a_lines', 10), 'm@2': scored('2', 'b_lines', 20) } }),
  record('b', { label: 'b_lines', examId: 'EX-2', predictions: { 'm@1': scored('1', 'a_lines', 10) } }),
  record('c', { label: 'unsure', zone: 'blue-L-plaps', created: new Date('2026-11-12T23:30:00').getTime() }),
];

describe('case filters', () => {
  it('agreement is per model version and undefined for unsure or unscored cases', () => {
    expect(agrees(cases[0]!, 'm@1')).toBe(true);
    expect(agrees(cases[0]!, 'm@2')).toBe(false);
    expect(agrees(cases[2]!, 'm@1')).toBeNull();
  });
  it('filters combine; dates are whole local days', () => {
    const ids = (f: Partial<typeof NO_FILTERS>) =>
      cases.filter((c) => matchesFilters(c, { ...NO_FILTERS, ...f })).map((c) => c.id);
    expect(ids({})).toEqual(['a', 'b', 'c']);
    expect(ids({ model: 'm@1', agreement: 'disagree' })).toEqual(['b']);
    expect(ids({ model: 'm@1', predicted: 'a_lines' })).toEqual(['a', 'b']);
    expect(ids({ model: 'm@2', predicted: 'none' })).toEqual(['b', 'c']);
    expect(ids({ exam: 'EX-2' })).toEqual(['b']);
    expect(ids({ zone: 'blue-L-plaps' })).toEqual(['c']);
    expect(ids({ from: '2026-11-12', to: '2026-11-12' })).toEqual(['c']);
    expect(ids({ to: '2026-11-11' })).toEqual(['a', 'b']);
  });
  it('the dashboard scopes its cases exactly as the case library does', () => {
    const source = caseLibrarySource(cases).cases;
    for (const scope of [
      ANY_SCOPE,
      { ...ANY_SCOPE, exam: 'EX-2' },
      { ...ANY_SCOPE, zone: 'blue-L-plaps' },
      { ...ANY_SCOPE, from: '2026-11-12', to: '2026-11-12' },
      { ...ANY_SCOPE, to: '2026-11-11' },
      { ...ANY_SCOPE, from: '2026-11-13' },
    ]) {
      const library = cases.filter((c) => matchesFilters(c, { ...NO_FILTERS, ...scope })).map((c) => c.id);
      expect(filterSource(source, scope).map((c) => c.caseId)).toEqual(library);
    }
    expect(examsOf(source)).toEqual(examsOf(cases));
    expect(zonesOf(cases)).toEqual(['blue-L-plaps', 'zone-R1']);
  });
  it('lists model versions newest result first', () => {
    expect(modelKeysOf(cases)).toEqual(['m@2', 'm@1']);
  });
});
