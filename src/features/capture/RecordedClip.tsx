// A recorded clip beside the live view's place: the chosen moment and the timeline on the left; Back to live, the clip read-out and saving it as a clip case on the right.

import { useEffect, useState } from 'react';
import { CLASS_NAMES } from '../../core';
import { ClipReadoutPanel, ClipTimeline, SaveCasePanel, clearestFrame } from '../shared';
import type { Recording } from './useClipRecording';

type Done = Extract<Recording, { state: 'done' }>;

/** The frame as a PNG object URL for the view; revoked when another is chosen. */
function useFrameUrl(done: Done, position: number): string | null {
  const [url, setUrl] = useState<{ position: number; url: string } | null>(null);
  useEffect(() => {
    const frame = done.clip.frames[position];
    if (!frame) return;
    const canvas = document.createElement('canvas');
    canvas.width = frame.pixels.width;
    canvas.height = frame.pixels.height;
    canvas
      .getContext('2d')!
      .putImageData(
        new ImageData(new Uint8ClampedArray(frame.pixels.data), frame.pixels.width, frame.pixels.height),
        0,
        0,
      );
    let made: string | null = null;
    let live = true;
    canvas.toBlob((b) => {
      if (!b || !live) return;
      made = URL.createObjectURL(b);
      setUrl({ position, url: made });
    }, 'image/png');
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [done, position]);
  return url?.position === position ? url.url : null;
}

export function RecordedClipView({ done }: { done: Done }) {
  const [chosen, setChosen] = useState(() => clearestFrame(done.results, done.readout.top));
  const url = useFrameUrl(done, chosen);
  const frame = done.clip.frames[chosen];
  const result = done.results[chosen];
  return (
    <div className="frame-view" data-testid="capture-clip">
      {url && <img className="plain-frame" src={url} alt="The recorded clip's frame being shown" />}
      {frame && (
        <p className="clip-moment-note" data-testid="clip-moment-note" data-index={frame.index}>
          Frame {frame.index + 1} of {done.clip.frames.length} at {(frame.timeMs / 1000).toFixed(2)} s
          {result && result.gate?.pass !== false
            ? ` · ${CLASS_NAMES[result.top]} ${(result.probabilities[result.top] * 100).toFixed(0)}%`
            : result
              ? ' · refused by the input check'
              : ' · could not be read'}
        </p>
      )}
      <ClipTimeline
        timeline={done.readout.timeline}
        durationMs={done.clip.durationMs}
        chosen={chosen}
        onChoose={setChosen}
      />
    </div>
  );
}

export function RecordedClipReadout({
  recording,
  threshold,
  onBackToLive,
}: {
  recording: Recording;
  threshold: number;
  onBackToLive: () => void;
}) {
  return (
    <>
      <button
        type="button"
        className="button primary big freeze-button"
        data-testid="back-to-live"
        onClick={onBackToLive}
      >
        Back to live <kbd>Space</kbd>
      </button>
      {recording.state === 'recording' && (
        <p className="muted" data-testid="busy">
          Recording: {recording.taken} of {recording.of} frames…
        </p>
      )}
      {recording.state === 'reading' && (
        <p className="muted" data-testid="busy">
          Reading the clip: {recording.done} of {recording.of} frames…
        </p>
      )}
      {recording.state === 'failed' && (
        <div className="banner error" role="alert" data-testid="input-problem">
          {recording.message}
        </div>
      )}
      {recording.state === 'done' && (
        <>
          <ClipReadoutPanel
            readout={recording.readout}
            clip={recording.clip}
            threshold={threshold}
            technicalNote={null}
            by={recording.draft.by}
          />
          <SaveCasePanel clip={recording.draft} />
        </>
      )}
    </>
  );
}
