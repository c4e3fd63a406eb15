// "Save as case" under a frame's or a clip's read-out: the reader's label (1–4, U), initials, exam code, zone, notes; saves to the library.

import { useEffect, useRef, useState } from 'react';
import type { ClinicianLabel, FrameResult } from '../../../core';
import { readSettings, saveCase, saveSettings } from '../../../store';
import { predictionFromResult } from './predictions';
import { prepareCaseImages } from './caseImage';
import { prepareClipCase, type ClipCaseDraft } from './clipCase';
import { LabelButtons } from './LabelButtons';
import { labelForKey, labelName } from './labelChoices';
import { ZoneSelect } from './ZoneSelect';
import { currentExam, endExam, recordExamUse } from './currentExam';

/** Exam codes are pseudonymous; two words of letters look like a person's name. */
export function looksLikeName(examId: string): boolean {
  return /^[\p{L}'-]{2,}[ ,]+[\p{L}'-]{2,}$/u.test(examId.trim());
}

type Outcome = { kind: 'saved'; text: string } | { kind: 'problem'; text: string };

/** A frame (the file and its result), or a read clip. */
type Props =
  | { file: File; result: FrameResult; clip?: undefined }
  | { clip: ClipCaseDraft; file?: undefined; result?: undefined };

export function SaveCasePanel(props: Props) {
  const [label, setLabel] = useState<ClinicianLabel | null>(null);
  const [reader, setReader] = useState('');
  // The exam is explicit: the one in use is shown as a fixed code (never a pre-filled box a reader could type
  // onto, which turned "EX-001" + "A1" into "EX-001A1"); "New exam" clears it for a code typed afresh.
  const [examId, setExamId] = useState(() => currentExam());
  const [examFixed, setExamFixed] = useState(() => currentExam() !== '');
  const examInput = useRef<HTMLInputElement>(null);
  const [zone, setZone] = useState('');
  const [notes, setNotes] = useState('');
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    let live = true;
    readSettings()
      .then((s) => {
        if (!live) return;
        setReader((r) => r || s.lastReader);
        setZone((z) => z || s.lastZone);
      })
      .catch(() => undefined); // the storage banner already says what is wrong
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const picked = labelForKey(e);
      if (!picked) return;
      e.preventDefault();
      setLabel(picked);
      setOutcome(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const save = async () => {
    if (!label)
      return setOutcome({ kind: 'problem', text: 'Choose the sign you see (keys 1–4) or Unsure (U).' });
    const initials = reader.trim().toUpperCase();
    if (!/^[\p{L}]{1,5}$/u.test(initials)) {
      return setOutcome({
        kind: 'problem',
        text: 'Enter your initials (1 to 5 letters): the label history records who read the frame.',
      });
    }
    if (looksLikeName(examId)) {
      return setOutcome({
        kind: 'problem',
        text: "That exam code looks like a person's name. Use the exam or study code, never the patient's name.",
      });
    }
    setSaving(true);
    try {
      const { keepFullFrame } = await readSettings();
      // Decode, crop and encode before the store opens its transaction.
      const parts = props.clip
        ? await prepareClipCase(props.clip)
        : {
            ...(await prepareCaseImages(
              props.file,
              props.result.crop,
              props.result.frameWidth,
              props.result.frameHeight,
              keepFullFrame,
            )),
            source: props.file.name || 'Pasted image',
            crop: props.result.crop,
            frameWidth: props.result.frameWidth,
            frameHeight: props.result.frameHeight,
            prediction: predictionFromResult(props.result),
          };
      const { record, created } = await saveCase({
        ...parts,
        label,
        reader: initials,
        examId: examId.trim(),
        zone,
        notes: notes.trim(),
      });
      // The exam code is kept in memory only (see currentExam); the stored one is cleared for old installs.
      await saveSettings({ lastReader: initials, lastExamId: '', lastZone: zone });
      recordExamUse(examId.trim());
      setExamFixed(examId.trim() !== '');
      const last = record.labelHistory.at(-1);
      const what = props.clip
        ? `a clip of ${props.clip.frames.length} frames, the scan region only`
        : keepFullFrame
          ? 'the whole frame'
          : 'the scan region only';
      setOutcome({
        kind: 'saved',
        text: created
          ? `Saved as ${labelName(label)} (case ${record.id.slice(0, 8)}, ${what}).`
          : last && last.at === record.updated && last.from !== null
            ? `Already in the library: label changed from ${labelName(last.from)} to ${labelName(last.to)}.`
            : `Already in the library (case ${record.id.slice(0, 8)}): details updated.`,
      });
    } catch (error) {
      setOutcome({ kind: 'problem', text: (error as Error).message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section
      className="save-case"
      aria-labelledby="save-case-title"
      data-testid="save-case"
      data-kind={props.clip ? 'clip' : 'frame'}
    >
      <h3 id="save-case-title">{props.clip ? 'Save clip as case' : 'Save as case'}</h3>
      <p className="muted small">Your reading, not the model&apos;s: press 1–4 or U, or tap a sign.</p>
      <LabelButtons
        value={label}
        onChange={(l) => {
          setLabel(l);
          setOutcome(null);
        }}
        disabled={saving}
      />
      <div className="field-grid">
        <label className="field">
          <span>Your initials</span>
          <input
            data-testid="reader-initials"
            value={reader}
            maxLength={5}
            autoComplete="off"
            onChange={(e) => setReader(e.target.value)}
          />
        </label>
        {examFixed ? (
          <div className="field exam-current" data-testid="exam-current" data-exam={examId}>
            <span>Exam</span>
            <span className="exam-code">
              <strong>{examId}</strong>
              <button
                type="button"
                className="button"
                data-testid="new-exam"
                onClick={() => {
                  endExam();
                  setExamId('');
                  setExamFixed(false);
                  setOutcome(null);
                  // Focus after the box has replaced the code.
                  setTimeout(() => examInput.current?.focus(), 0);
                }}
              >
                New exam
              </button>
            </span>
          </div>
        ) : (
          <label className="field">
            <span>Exam code (never a name)</span>
            <input
              ref={examInput}
              data-testid="exam-id"
              value={examId}
              maxLength={40}
              autoComplete="off"
              placeholder="none"
              onChange={(e) => setExamId(e.target.value)}
            />
          </label>
        )}
        <label className="field">
          <span>Lung zone</span>
          <ZoneSelect id="save-zone" value={zone} onChange={setZone} testId="zone" />
        </label>
        <label className="field wide">
          <span>Notes</span>
          <textarea data-testid="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
      </div>
      <button
        type="button"
        className="button primary big"
        data-testid="save-case-button"
        disabled={saving}
        onClick={() => void save()}
      >
        {saving ? 'Saving…' : label ? `Save as ${labelName(label)}` : 'Save case'}
      </button>
      {outcome && (
        <p
          className={outcome.kind === 'saved' ? 'save-outcome ok' : 'save-outcome problem'}
          role={outcome.kind === 'saved' ? 'status' : 'alert'}
          data-testid={outcome.kind === 'saved' ? 'save-outcome' : 'save-problem'}
        >
          {outcome.text}
        </p>
      )}
    </section>
  );
}
