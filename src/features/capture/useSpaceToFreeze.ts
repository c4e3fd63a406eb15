// Space freezes the live image and goes back to live, as on a scanner, except while typing or on a control space operates.

import { useEffect } from 'react';

function spaceIsOurs(e: KeyboardEvent): boolean {
  if (e.code !== 'Space' && e.key !== ' ') return false;
  const t = e.target as HTMLElement | null;
  return !t?.closest('input, textarea, select, button, [contenteditable="true"], [role="slider"]');
}

/** While `capturing`, Space calls `freeze`, or `backToLive` while a frame is `frozen`. */
export function useSpaceToFreeze(
  capturing: boolean,
  frozen: boolean,
  freeze: () => Promise<void>,
  backToLive: () => void,
): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!spaceIsOurs(e) || !capturing) return;
      e.preventDefault();
      if (frozen) backToLive();
      else void freeze();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [capturing, frozen, freeze, backToLive]);
}
