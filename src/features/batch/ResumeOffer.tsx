// On the batch screen, the offer to carry on an interrupted batch: with the same folder in hand, or by choosing it.

import type { BatchJob } from '../../store';

export function ResumeOffer({
  offer,
  haveFolder,
  onCarryOn,
  onChoose,
  onDiscard,
}: {
  offer: BatchJob;
  /** Whether the folder chosen last is the interrupted run's (so it can carry on without choosing again). */
  haveFolder: boolean;
  onCarryOn: () => void;
  onChoose: () => void;
  onDiscard: () => void;
}) {
  return (
    <div
      className="banner warning resume-offer"
      role="status"
      data-testid="batch-resume-offer"
      data-done={offer.done}
      data-total={offer.total}
    >
      <span>
        A batch of “{offer.folderName}” stopped after {offer.done} of {offer.total} frames. Choose the same
        folder again to carry on: frames already scored are skipped.
      </span>
      <span className="row-actions">
        {haveFolder ? (
          <button type="button" className="button primary" data-testid="batch-resume" onClick={onCarryOn}>
            Carry on
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            data-testid="batch-resume-choose"
            onClick={onChoose}
          >
            Choose “{offer.folderName}”…
          </button>
        )}
        <button type="button" className="button" data-testid="batch-discard" onClick={onDiscard}>
          Forget it
        </button>
      </span>
    </div>
  );
}
