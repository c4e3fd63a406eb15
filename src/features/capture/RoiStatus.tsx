// Under the live video: how the search for the ultrasound image on the scanner's screen is going, and "Detect again".

import type { RoiSearch } from './liveCapture';

export function RoiStatus({ search, onFindAgain }: { search: RoiSearch | null; onFindAgain: () => void }) {
  if (!search) return null;
  return (
    <div className="roi-bar" data-testid="roi-status" data-state={search.state}>
      <span className="roi-status">
        {search.state === 'watching'
          ? `Finding the ultrasound image on the scanner's screen… ${Math.round(search.progress * 100)}%`
          : search.state === 'found'
            ? search.setBy === 'user'
              ? 'Image region set by you (remembered for this card). Drag the box or its corner to change it.'
              : `Image region found automatically${search.shape ? ` (${search.shape === 'sector' ? 'sector' : 'rectangle'})` : ''}, remembered for this card. Drag the box or its corner to adjust.`
            : search.message}
      </span>
      <button
        type="button"
        className="button"
        data-testid="find-again"
        title="Watch the scanner's screen again to find where its ultrasound image is"
        onClick={onFindAgain}
      >
        Detect the scan region again
      </button>
    </div>
  );
}
