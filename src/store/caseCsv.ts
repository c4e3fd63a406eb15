// Cases as CSV without images: labels, history count, exam, zone, and each model version's sign and probabilities.

import { CLASS_IDS, csvLine } from '../core';
import type { CaseRecord } from './caseRecord';

const iso = (ms: number) => new Date(ms).toISOString();

export function casesCsv(cases: readonly CaseRecord[]): string {
  const keys = [...new Set(cases.flatMap((c) => Object.keys(c.predictions)))].sort();
  const header = [
    'case_id',
    'created',
    'updated',
    'source',
    'exam_id',
    'zone',
    'label',
    'reader',
    'label_source',
    'label_changes',
    'label_history',
    'notes',
    'image_kind',
    // A clip case is one row: its kind and how many frames it keeps; its model columns are the clip read-out.
    'case_kind',
    'clip_frames',
    'crop_x',
    'crop_y',
    'crop_width',
    'crop_height',
    ...keys.flatMap((k) => [`${k} sign`, ...CLASS_IDS.map((id) => `${k} p_${id}`), `${k} backend`]),
  ];
  const lines = [csvLine(header)];
  for (const c of cases) {
    const history = c.labelHistory
      .map(
        (h) =>
          `${iso(h.at)} ${h.source ? `folder ${h.source.folder}` : h.by}: ${h.from ?? '(none)'} → ${h.to}`,
      )
      .join('; ');
    const preds = keys.flatMap((k): Array<string | number> => {
      const p = c.predictions[k];
      if (!p) return ['', ...CLASS_IDS.map(() => ''), ''];
      if (p.status === 'refused') return [`refused: ${p.message}`, ...CLASS_IDS.map(() => ''), ''];
      return [p.top, ...CLASS_IDS.map((id) => Number(p.probabilities[id].toFixed(6))), p.backend];
    });
    lines.push(
      csvLine([
        c.id,
        iso(c.created),
        iso(c.updated),
        c.source,
        c.examId,
        c.zone,
        c.label,
        c.reader,
        c.labelSource ? `folder: ${c.labelSource.folder}` : c.label === 'unlabelled' ? 'none' : 'reader',
        c.labelHistory.length,
        history,
        c.notes,
        c.imageKind,
        c.kind,
        c.clip?.frames.length ?? '',
        Math.round(c.crop.x),
        Math.round(c.crop.y),
        Math.round(c.crop.width),
        Math.round(c.crop.height),
        ...preds,
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}
