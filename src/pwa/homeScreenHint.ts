// Decides whether this browser is iOS/iPadOS Safari outside a Home Screen app, where stored data can be wiped.

/** What the hint needs to know about the browser; plain values so the rule is testable without a DOM. */
export interface BrowserFacts {
  userAgent: string;
  /** navigator.platform: iPadOS 13+ reports "MacIntel", so touch points tell an iPad from a Mac. */
  platform: string;
  maxTouchPoints: number;
  /** True when opened from the Home Screen (navigator.standalone or display-mode: standalone). */
  standalone: boolean;
}

/**
 * Safari (and every iOS browser, which all use WebKit) deletes a site's storage after 7 days without a visit
 * unless the site was added to the Home Screen. Cases and imported models would be lost, so say so early.
 */
export function needsHomeScreenHint(facts: BrowserFacts): boolean {
  if (facts.standalone) return false;
  const iPhoneOrIPad = /\b(iPhone|iPad|iPod)\b/.test(facts.userAgent);
  const iPadAsMac = facts.platform === 'MacIntel' && facts.maxTouchPoints > 1;
  return iPhoneOrIPad || iPadAsMac;
}

/** The facts of the running browser. */
export function currentBrowserFacts(): BrowserFacts {
  const nav = navigator as Navigator & { standalone?: boolean };
  return {
    userAgent: nav.userAgent,
    platform: nav.platform,
    maxTouchPoints: nav.maxTouchPoints,
    standalone: nav.standalone === true || window.matchMedia('(display-mode: standalone)').matches,
  };
}
