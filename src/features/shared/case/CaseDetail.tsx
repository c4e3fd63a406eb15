// One case opened: the stored image with its crop, every model version's probabilities, label history, edits.

import { useEffect, useState } from 'react';
import { CLASS_IDS, CLASS_NAMES, formatPercent, type ClinicianLabel } from '../../../core';
import { relabelCase, updateCaseDetails, zoneLabel, type CaseRecord } from '../../../store';
import {
  GateNotice,
  HeatMapControls,
  HeatMapOverlay,
  useHeatMapView,
  useStoredExplanation,
} from '../explain';
import { modelKeyName } from './predictions';
import { LabelButtons } from './LabelButtons';
import { caseLabelText, labelForKey, labelName } from './labelChoices';
import { useObjectUrl } from './useObjectUrl';
import { ZoneSelect } from './ZoneSelect';

export function CaseDetail({
  record,
  onClose,
  onDelete,
  onDeleteExam,
}: {
  record: CaseRecord;
  onClose: () => void;
  onDelete?: (record: CaseRecord) => void;
  onDeleteExam?: (examId: string) => void;
}) {
  // A clip case opens on its clearest frame (its image); the slider shows any stored frame instead.
  const [clipFrame, setClipFrame] = useState<number | null>(null);
  const shownFrame = record.clip && clipFrame !== null ? record.clip.frames[clipFrame] : undefined;
  const image = useObjectUrl(shownFrame?.image ?? record.image);
  const [reader, setReader] = useState(record.reader);
  const [examId, setExamId] = useState(record.examId);
  const [zone, setZone] = useState(record.zone);
  const [notes, setNotes] = useState(record.notes);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const { explanation, explain } = useStoredExplanation();
  const heat = useHeatMapView();
  const explained = explanation.state === 'done' ? explanation.result : null;

  const relabel = async (label: ClinicianLabel) => {
    if (label === record.label) return;
    const initials = reader.trim().toUpperCase();
    if (!/^[\p{L}]{1,5}$/u.test(initials)) {
      setMessage({
        ok: false,
        text: 'Enter your initials first: the label history records who changed the label.',
      });
      return;
    }
    try {
      await relabelCase(record.id, label, initials);
      setMessage({ ok: true, text: `Label changed to ${labelName(label)}.` });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') return onClose();
      const picked = labelForKey(e);
      if (picked) {
        e.preventDefault();
        void relabel(picked);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const predictions = Object.entries(record.predictions).sort((a, b) => b[1].at - a[1].at);
  const crop = record.crop;
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog case-detail"
        role="dialog"
        aria-modal="true"
        aria-labelledby="case-detail-title"
        data-testid="case-detail"
        data-case-id={record.id}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="dialog-head">
          <h2 id="case-detail-title">
            Case {record.id.slice(0, 8)} <span className="muted">· {caseLabelText(record)}</span>
          </h2>
          <button type="button" className="button" onClick={onClose} data-testid="case-close">
            Close
          </button>
        </header>
        <div className="case-detail-body">
          <figure className="case-image">
            <div className="case-image-frame">
              {image && <img src={image} alt={`Stored image of case ${record.id.slice(0, 8)}`} />}
              {/* The heat map is the clearest frame's: not drawn over another frame of the clip. */}
              {!shownFrame && explained?.heatMap && explained.gate?.pass !== false && heat.shown && (
                <HeatMapOverlay
                  heatMap={explained.heatMap}
                  crop={explained.crop}
                  frameWidth={explained.frameWidth}
                  frameHeight={explained.frameHeight}
                  classes={heat.classesFor(explained.top)}
                  opacity={heat.opacity}
                />
              )}
              {record.imageKind === 'full-frame' && (
                <span
                  className="case-crop"
                  style={{
                    left: `${(100 * crop.x) / record.frameWidth}%`,
                    top: `${(100 * crop.y) / record.frameHeight}%`,
                    width: `${(100 * crop.width) / record.frameWidth}%`,
                    height: `${(100 * crop.height) / record.frameHeight}%`,
                  }}
                />
              )}
            </div>
            {record.clip && (
              <p className="muted small" data-testid="case-clip-note" data-frames={record.clip.frames.length}>
                A clip: {record.clip.frames.length} stored frames of {record.clip.sampling.framesInClip} (
                {record.clip.format}, {(record.clip.durationMs / 1000).toFixed(1)} s
                {record.clip.frameRate ? `, ${Math.round(record.clip.frameRate * 10) / 10} frames/s` : ''});
                it opens on the frame that shows its sign most clearly.
                {record.clip.technical &&
                  ` Scanner: ${[record.clip.technical.manufacturer, record.clip.technical.model, record.clip.technical.transducer].filter(Boolean).join(' · ') || 'not named'}.`}
              </p>
            )}
            {record.clip && (
              <div className="case-clip-frames">
                <label className="field">
                  <span data-testid="case-clip-frame-note">
                    {shownFrame
                      ? `Frame ${shownFrame.index + 1} at ${(shownFrame.timeMs / 1000).toFixed(2)} s`
                      : 'The clearest frame'}
                  </span>
                  <input
                    type="range"
                    min={0}
                    max={record.clip.frames.length - 1}
                    value={clipFrame ?? 0}
                    data-testid="case-clip-frame"
                    aria-label="Stored frame of the clip to show"
                    onChange={(e) => setClipFrame(Number(e.target.value))}
                  />
                </label>
                {shownFrame && (
                  <button type="button" className="button" onClick={() => setClipFrame(null)}>
                    Back to the clearest frame
                  </button>
                )}
              </div>
            )}
            <figcaption className="muted small">
              {record.imageKind === 'cropped'
                ? `Scan region only, ${Math.round(crop.width)}×${Math.round(crop.height)} px at (${Math.round(crop.x)}, ${Math.round(crop.y)}) of a ${record.frameWidth}×${record.frameHeight} frame.`
                : `Whole frame, ${record.frameWidth}×${record.frameHeight}; the box is the region the model reads.`}{' '}
              From {record.source}, saved {new Date(record.created).toLocaleString()}.
            </figcaption>
            {explanation.state !== 'done' && (
              <button
                type="button"
                className="button"
                disabled={explanation.state === 'busy'}
                data-testid="case-explain"
                onClick={() => {
                  // The explanation is the clearest frame's (the case's image): show that frame under it.
                  setClipFrame(null);
                  void explain(
                    record.image,
                    record.source,
                    // A cropped image is the region itself; a full frame is read through its stored crop.
                    record.imageKind === 'full-frame' ? record.crop : undefined,
                  );
                }}
              >
                {explanation.state === 'busy' ? 'Reading…' : 'Show where the current model looks'}
              </button>
            )}
            {explanation.state === 'problem' && <p className="warning">{explanation.message}</p>}
            {explained?.gate && !explained.gate.pass && <GateNotice gate={explained.gate} revealed={false} />}
            {explained && explained.gate?.pass !== false && (
              <HeatMapControls result={explained} view={heat} />
            )}
          </figure>
          <div className="case-side">
            <h3>Your label</h3>
            {record.labelSource && (
              <p className="muted small" data-testid="folder-label-note">
                The current label came from the folder “{record.labelSource.folder}” of the batch{' '}
                {record.labelSource.batch}, not from a reader. Choose a sign to record your own reading.
              </p>
            )}
            <LabelButtons
              value={record.label === 'unlabelled' || record.labelSource ? null : record.label}
              onChange={(l) => void relabel(l)}
            />
            <label className="field">
              <span>Your initials (recorded with a change)</span>
              <input
                value={reader}
                maxLength={5}
                onChange={(e) => setReader(e.target.value)}
                data-testid="detail-reader"
              />
            </label>
            {message && (
              <p
                className={message.ok ? 'save-outcome ok' : 'save-outcome problem'}
                role={message.ok ? 'status' : 'alert'}
              >
                {message.text}
              </p>
            )}
            <h3>Label history</h3>
            <ol className="history" data-testid="label-history">
              {record.labelHistory.map((h, i) => (
                <li key={i}>
                  {new Date(h.at).toLocaleString()} ·{' '}
                  <strong>
                    {h.source ? `folder “${h.source.folder}” (batch ${h.source.batch})` : h.by || '—'}
                  </strong>
                  :{' '}
                  {h.from === null
                    ? `${h.source ? 'folder label' : 'labelled'} ${labelName(h.to)}`
                    : `${labelName(h.from)} → ${labelName(h.to)}`}
                </li>
              ))}
            </ol>
            <h3>Model results</h3>
            {predictions.length === 0 ? (
              <p className="muted">No model has scored this case yet.</p>
            ) : (
              <table className="prediction-table" data-testid="case-predictions">
                <thead>
                  <tr>
                    <th>Model</th>
                    {CLASS_IDS.map((id) => (
                      <th key={id}>{CLASS_NAMES[id]}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {predictions.map(([key, p]) => (
                    <tr key={key} data-model={key}>
                      <td>
                        {modelKeyName(key)}
                        <br />
                        <span className="muted small">
                          {p.status === 'scored' ? p.backend.toUpperCase() : 'refused'} ·{' '}
                          {new Date(p.at).toLocaleDateString()}
                          {p.clip && (
                            <span data-testid="case-prediction-clip">
                              {' '}
                              · clip: {p.clip.framesRead} of {p.clip.framesSampled} frames read
                              {p.clip.framesRefused ? `, ${p.clip.framesRefused} refused` : ''}
                            </span>
                          )}
                        </span>
                      </td>
                      {p.status === 'scored' ? (
                        CLASS_IDS.map((id) => (
                          <td key={id} className={id === p.top ? 'top-prob' : undefined}>
                            {formatPercent(p.probabilities[id], 1)}%
                          </td>
                        ))
                      ) : (
                        <td colSpan={4}>{p.message}</td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3>Details</h3>
            <div className="field-grid">
              <label className="field">
                <span>Exam code</span>
                <input value={examId} onChange={(e) => setExamId(e.target.value)} />
              </label>
              <label className="field">
                <span>Lung zone ({zoneLabel(record.zone)})</span>
                <ZoneSelect id="detail-zone" value={zone} onChange={setZone} />
              </label>
              <label className="field wide">
                <span>Notes</span>
                <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
              </label>
            </div>
            <div className="row-buttons">
              <button
                type="button"
                className="button"
                onClick={() =>
                  void updateCaseDetails(record.id, {
                    examId: examId.trim(),
                    zone,
                    notes: notes.trim(),
                  }).then(
                    () => setMessage({ ok: true, text: 'Details saved.' }),
                    (e: unknown) => setMessage({ ok: false, text: (e as Error).message }),
                  )
                }
              >
                Save details
              </button>
              {onDelete && (
                <button
                  type="button"
                  className="button danger"
                  data-testid="case-delete"
                  onClick={() => onDelete(record)}
                >
                  Delete case
                </button>
              )}
              {record.examId && onDeleteExam && (
                <button type="button" className="button danger" onClick={() => onDeleteExam(record.examId)}>
                  Delete whole exam {record.examId}
                </button>
              )}
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
