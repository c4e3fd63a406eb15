// "Record clip" under Freeze: a length (2, 4 or 6 s) as three large choices and the button; while recording, how many frames are in.

import { CLIP_SECONDS, type ClipSeconds, type Recording } from './useClipRecording';

export function ClipRecorder({
  seconds,
  onSeconds,
  onRecord,
  recording,
  disabled,
}: {
  seconds: ClipSeconds;
  onSeconds: (s: ClipSeconds) => void;
  onRecord: () => void;
  recording: Recording | null;
  /** No image region yet, or no model: nothing to record or read. */
  disabled: boolean;
}) {
  const busy = recording?.state === 'recording' || recording?.state === 'reading';
  return (
    <section className="clip-recorder" aria-label="Record a clip" data-testid="clip-recorder">
      <div className="clip-lengths" role="radiogroup" aria-label="Clip length">
        {CLIP_SECONDS.map((s) => (
          <button
            key={s}
            type="button"
            role="radio"
            aria-checked={seconds === s}
            className={seconds === s ? 'button clip-length chosen' : 'button clip-length'}
            data-testid={`clip-length-${s}`}
            disabled={busy}
            onClick={() => onSeconds(s)}
          >
            {s} s
          </button>
        ))}
      </div>
      <button
        type="button"
        className="button big record-button"
        data-testid="record-clip"
        disabled={disabled || busy}
        onClick={onRecord}
      >
        {recording?.state === 'recording'
          ? `Recording… ${recording.taken} of ${recording.of} frames`
          : `Record ${seconds} s clip`}
      </button>
    </section>
  );
}
