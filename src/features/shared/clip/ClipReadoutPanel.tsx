// The clip's read-out: its sign (mean over the read frames), four probabilities, how many frames were read and refused, who read it (model version, backend), disagreement and low confidence; the clip gate's refusal first.

import { useState } from 'react';
import { describeSampling, type Clip, type ClipReadout } from '../../../core/clip';
import { ProbabilityBars, ReadOutText } from '../readout';
import type { ClipReadBy } from './readClip';

interface Props {
  readout: ClipReadout;
  clip: Pick<Clip<unknown>, 'source' | 'frameRate' | 'durationMs'>;
  threshold: number;
  technicalNote: string | null;
  /** The model version and backend that read the frames (null when no frame could be read). */
  by: ClipReadBy | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function ClipReadoutPanel({ readout, clip, threshold, technicalNote, by }: Props) {
  const [revealedFor, setRevealedFor] = useState<ClipReadout | null>(null);
  const refused = !readout.gate.pass;
  const revealed = revealedFor === readout;
  const s = readout.sampling;
  const counts = (
    <p
      className="result-meta"
      data-testid="clip-frames"
      data-in-clip={s.framesInClip}
      data-sampled={s.framesSampled}
      data-read={readout.framesRead}
      data-refused={readout.framesRefused}
      data-unreadable={readout.framesUnreadable}
    >
      Looked at {describeSampling(s)}: {readout.framesRead} read
      {readout.framesRefused ? `, ${readout.framesRefused} refused by the input check` : ', none refused'}
      {readout.framesUnreadable
        ? `, ${plural(readout.framesUnreadable, 'frame')} could not be decoded`
        : ''}.{' '}
      <span className="muted">
        {clip.source.format} · {(clip.durationMs / 1000).toFixed(1)} s ·{' '}
        {clip.frameRate ? `${Math.round(clip.frameRate * 10) / 10} frames/s` : 'frame rate not given'}
        {technicalNote ? ` · ${technicalNote}` : ''}
        {by && (
          <span data-testid="clip-read-by" data-model={`${by.modelId}@${by.modelVersion}`}>
            {' '}
            · read by model {by.modelId} v{by.modelVersion} on{' '}
            <span data-testid="clip-backend">{by.backend.toUpperCase()}</span> in {by.inferenceMs.toFixed(0)}{' '}
            ms
          </span>
        )}
      </span>
    </p>
  );
  const notice = (
    <div className="gate-refusal" role="alert" data-testid="clip-gate-refusal">
      <p className="gate-title">Not read: this clip was refused</p>
      <p className="gate-reason" data-testid="clip-gate-reason">
        {readout.gate.message}
      </p>
      <button
        type="button"
        className="button"
        onClick={() => setRevealedFor(revealed ? null : readout)}
        data-testid="clip-gate-reveal"
        aria-expanded={revealed}
      >
        {revealed ? 'Hide the probabilities' : 'Show the probabilities anyway (unreliable)'}
      </button>
    </div>
  );
  if (refused && !revealed) {
    return (
      <section
        className="result clip-result"
        aria-live="polite"
        data-testid="clip-result"
        data-gate="refused"
      >
        {notice}
        {counts}
      </section>
    );
  }
  return (
    <section
      className={refused ? 'result clip-result unreliable' : 'result clip-result'}
      aria-live="polite"
      data-testid="clip-result"
      data-gate={refused ? 'refused' : 'passed'}
    >
      {refused && notice}
      <p className="result-label">{refused ? 'The model would say' : 'The clip shows'}</p>
      <p className="result-sign" data-testid="clip-sign" data-top={readout.top}>
        <ReadOutText result={readout} />
      </p>
      <p className="result-probability" data-testid="clip-probability">
        {(readout.probabilities[readout.top] * 100).toFixed(1)}% mean probability
        {refused ? ' (unreliable)' : ` over ${plural(readout.framesRead, 'frame')}`}
      </p>
      {readout.lowConfidence && (
        <p className="warning" role="status" data-testid="clip-low-confidence">
          Low confidence: the clip&apos;s top sign is below {Math.round(threshold * 100)}% on average. Watch
          the clip yourself.
        </p>
      )}
      {readout.disagreement && (
        <p className="warning" role="status" data-testid="clip-disagreement">
          {readout.disagreement.message}
        </p>
      )}
      <ProbabilityBars
        probabilities={readout.probabilities}
        top={readout.top}
        testIdPrefix="clip-prob"
        label="Mean probability of each sign over the clip"
      />
      {counts}
      {!refused && readout.gate.reasons.length > 0 && (
        <p className="muted" data-testid="clip-refusals">
          Refused frames:{' '}
          {readout.gate.reasons.map((r) => `${r.message} (${plural(r.frames, 'frame')})`).join(' ')}
        </p>
      )}
    </section>
  );
}
