// The offer to carry on an interrupted batch, shown where the user lands (the app opens on Classify), not
// only on the Batch screen.

import { useBatchJob } from './useBatchJob';

export function BatchResumeBanner({ onOpenBatch }: { onOpenBatch: () => void }) {
  const { state, discardOffer } = useBatchJob();
  const offer = state.offer;
  if (!offer || state.phase === 'running' || state.phase === 'listing') return null;
  return (
    <div
      className="banner warning resume-offer"
      role="status"
      data-testid="batch-resume-banner"
      data-done={offer.done}
      data-total={offer.total}
    >
      <span>
        A batch of the folder “{offer.folderName}” stopped after {offer.done} of {offer.total} frames. Open
        Batch and choose the same folder to carry on: frames already scored are skipped.
      </span>
      <span className="row-actions">
        <button
          type="button"
          className="button primary"
          data-testid="batch-resume-open"
          onClick={onOpenBatch}
        >
          Open Batch
        </button>
        <button type="button" className="button" data-testid="batch-resume-forget" onClick={discardOffer}>
          Forget it
        </button>
      </span>
    </div>
  );
}
