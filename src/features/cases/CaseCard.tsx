// One case in the grid: thumbnail, the reader's label, the chosen model's sign with agree/disagree, exam and zone.

import { CLASS_NAMES } from '../../core';
import { zoneLabel, type CaseRecord } from '../../store';
import { agrees, predictionFor } from './caseFilters';
import { caseLabelText, thumbnailUrl } from '../shared';

export function CaseCard({
  record,
  model,
  selected,
  onToggle,
  onOpen,
}: {
  record: CaseRecord;
  model: string;
  selected: boolean;
  onToggle: () => void;
  onOpen: () => void;
}) {
  const thumb = thumbnailUrl(record.id, record.thumbnail);
  const p = predictionFor(record, model);
  const agree = agrees(record, model);
  return (
    <li
      className={selected ? 'case-card selected' : 'case-card'}
      data-testid="case-card"
      data-case-id={record.id}
      data-label={record.label}
      data-label-source={record.labelSource ? 'folder' : record.label === 'unlabelled' ? 'none' : 'reader'}
      data-source={record.source}
      data-kind={record.kind}
    >
      <button
        type="button"
        className="case-open"
        onClick={onOpen}
        aria-label={`Open case ${record.id.slice(0, 8)}`}
      >
        {thumb ? <img src={thumb} alt="" /> : <span className="thumb-placeholder" />}
        {record.clip && (
          <span className="case-clip-badge" data-testid="case-clip-badge">
            Clip · {record.clip.frames.length} frames · {(record.clip.durationMs / 1000).toFixed(1)} s
          </span>
        )}
        <span className={`chip label-${record.label}${record.labelSource ? ' folder-label' : ''}`}>
          {caseLabelText(record)}
        </span>
        <span className="case-model">
          {!p ? (
            <span className="muted">Not scored by this model</span>
          ) : p.status === 'refused' ? (
            <span className="muted">Refused by the model</span>
          ) : (
            <>
              Model: {CLASS_NAMES[p.top]}{' '}
              {agree !== null && (
                <span className={agree ? 'agree' : 'disagree'} data-testid="agreement">
                  {agree ? '✓ agrees' : '✗ differs'}
                </span>
              )}
            </>
          )}
        </span>
        <span className="case-meta muted">
          {record.examId || 'No exam code'} · {zoneLabel(record.zone)}
          <br />
          {new Date(record.created).toLocaleString()}
        </span>
      </button>
      <label className="case-select">
        <input type="checkbox" checked={selected} onChange={onToggle} data-testid="case-select" />
        <span className="sr-only">Select case {record.id.slice(0, 8)}</span>
      </label>
    </li>
  );
}
