// Settings leads with what a clinician needs about the model in use, in plain words: how often it is right
// on real scans it never saw, by sign, and where it fails. Every figure comes from the model's metadata.

import { modelSummary, plainPercent, type ModelMetadata } from '../../core';

export function ModelSummaryPanel({ metadata }: { metadata: ModelMetadata }) {
  const s = modelSummary(metadata);
  return (
    <section
      className="choice-group model-summary"
      data-testid="model-summary"
      aria-labelledby="summary-title"
    >
      <h3 id="summary-title">
        How reliable is {metadata.displayName} <span className="muted">v{metadata.version}</span>?
      </h3>
      {metadata.isTestModel ? (
        <p className="warning" data-testid="summary-test-model">
          This is a test model for software checks. Its answers mean nothing: never use it on patients.
        </p>
      ) : s.unmeasured ? (
        <p data-testid="summary-unmeasured">
          Its makers give no figures for real scans it never saw, so how often it is right is not known.
          Measure it on your own labelled cases (Cases, then Dashboard) before relying on it.
        </p>
      ) : (
        <>
          {s.crossValidation && (
            <ul className="summary-signs" data-testid="summary-cv">
              <li data-testid="summary-cv-folds" data-clip-accuracy={s.crossValidation.clipAccuracy}>
                On clips it never saw in training ({s.crossValidation.folds}{' '}
                {s.crossValidation.folds === 1 ? 'fold' : 'folds'} of a clip-grouped cross-validation of its
                training recipe), it named the right sign on{' '}
                <strong>{plainPercent(s.crossValidation.clipAccuracy)}</strong> of clips
                {s.crossValidation.clipAccuracySd !== null && (
                  <> (give or take {plainPercent(s.crossValidation.clipAccuracySd)} from fold to fold)</>
                )}
                .
              </li>
              {s.crossValidation.siteClipAccuracy !== null && (
                <li data-testid="summary-cv-site" data-clip-accuracy={s.crossValidation.siteClipAccuracy}>
                  On a whole hospital it never saw
                  {s.crossValidation.siteClips !== null ? ` (${s.crossValidation.siteClips} clips)` : ''}, it
                  named the right sign on <strong>{plainPercent(s.crossValidation.siteClipAccuracy)}</strong>{' '}
                  of clips: expect about this on a new scanner until it is checked on your own cases.
                </li>
              )}
              {s.crossValidation.perSign.map((p) => (
                <li key={p.classId} data-testid={`summary-cv-${p.classId}`} data-recall={p.recall}>
                  When a clip shows <strong className="nowrap">{p.name}</strong>, it says so{' '}
                  <strong>{plainPercent(p.recall)}</strong> of the time.
                </li>
              ))}
            </ul>
          )}
          {s.leaning && (
            <p data-testid="summary-leaning">
              When a frame is unclear, it leans to the signs that were commoner among its{' '}
              {s.leaning.trainingClips} training clips (
              {s.leaning.shares.map((x) => `${x.name} ${plainPercent(x.share)}`).join(', ')}): the rarest,{' '}
              <strong className="nowrap">{s.leaning.shares[s.leaning.shares.length - 1]!.name}</strong>, is
              named only on clearer evidence.
            </p>
          )}
          {s.unseenScans.length > 0 && (
            <ul className="summary-signs" data-testid="summary-unseen">
              {s.unseenScans.map((u) => (
                <li key={u.set} data-testid="summary-unseen-set" data-clip-accuracy={u.clipAccuracy}>
                  On {u.clips} clips from outside its training collection ({u.set}), it named the right sign
                  on <strong>{plainPercent(u.clipAccuracy)}</strong> of clips
                  {u.frameAccuracy !== null && <> and {plainPercent(u.frameAccuracy)} of frames</>}.
                </li>
              ))}
            </ul>
          )}
          {s.realFrameAccuracy !== null && (
            <p data-testid="summary-overall">
              {s.unseenScans.length > 0
                ? 'On its own validation set, a small one it was chosen on'
                : 'On real scans it never saw in training'}
              {s.realClips !== null ? ` (${s.realClips} clips)` : ''}, it named the right sign on{' '}
              <strong>{plainPercent(s.realFrameAccuracy)}</strong> of frames
              {s.realClipAccuracy !== null && (
                <>
                  {' '}
                  and on <strong>{plainPercent(s.realClipAccuracy)}</strong> of whole clips
                </>
              )}
              {s.unseenScans.length > 0
                ? ': expect less on other scans, as above.'
                : `. That means about ${Math.round((1 - s.realFrameAccuracy) * 10)} frames in 10 are read wrong.`}
            </p>
          )}
          {s.perSign.length > 0 && s.unseenScans.length > 0 && (
            <p className="muted">By sign, on that validation set:</p>
          )}
          {s.perSign.length > 0 && (
            <ul className="summary-signs" data-testid="summary-signs">
              {s.perSign.map((p) => (
                <li key={p.classId} data-testid={`summary-${p.classId}`} data-recall={p.recall}>
                  When a frame shows <strong className="nowrap">{p.name}</strong>, it says so{' '}
                  <strong>{plainPercent(p.recall)}</strong> of the time ({p.frames} frames)
                  {p.precision !== null && (
                    <>
                      ; when it says {p.name}, it is right {plainPercent(p.precision)} of the time
                    </>
                  )}
                  .
                </li>
              ))}
            </ul>
          )}
          {!s.weakest && s.crossValidation?.weakest && (
            <p data-testid="summary-weakest">
              Its weakest sign on clips it never saw is <strong>{s.crossValidation.weakest.name}</strong>{' '}
              (named {plainPercent(s.crossValidation.weakest.recall)} of the time): check those read-outs, and
              the clips it reads as something else, yourself.
            </p>
          )}
          {s.weakest && (
            <p data-testid="summary-weakest">
              Its weakest sign on {s.unseenScans.length > 0 ? 'its validation set' : 'real scans'} is{' '}
              <strong>{s.weakest.name}</strong>: check those read-outs, and the frames it reads as something
              else, yourself.
            </p>
          )}
        </>
      )}
      {s.failures.length > 0 && (
        <>
          <h4>Where it fails</h4>
          <ul className="summary-failures" data-testid="summary-failures">
            {s.failures.map((f) => (
              <li key={f}>{f}.</li>
            ))}
          </ul>
        </>
      )}
      <p className="muted small">
        Figures from the model&apos;s own evaluation; a different scanner, probe or population may do worse.
        The full model card is below, under Models.
      </p>
    </section>
  );
}
