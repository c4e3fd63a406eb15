// Banner that tells iPhone/iPad users to add the app to the Home Screen so Safari keeps their cases.

import { useState } from 'react';
import { currentBrowserFacts, needsHomeScreenHint } from './homeScreenHint';

const DISMISSED_KEY = 'lus-signs:home-screen-hint-dismissed';

export function HomeScreenHint() {
  const [show, setShow] = useState(
    () => needsHomeScreenHint(currentBrowserFacts()) && localStorage.getItem(DISMISSED_KEY) !== 'yes',
  );
  if (!show) return null;
  return (
    <div className="banner warning" role="note" data-testid="home-screen-hint">
      <span>
        On iPad and iPhone, add LUS Signs to the Home Screen (Share → Add to Home Screen). Otherwise Safari
        deletes saved cases and imported models after 7 days without use.
      </span>
      <button
        type="button"
        className="button"
        onClick={() => {
          // Remembered so the banner does not nag on every visit; the Cases screen keeps the advice.
          localStorage.setItem(DISMISSED_KEY, 'yes');
          setShow(false);
        }}
      >
        Got it
      </button>
    </div>
  );
}
