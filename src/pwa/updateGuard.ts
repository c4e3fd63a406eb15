// Work that must not be interrupted by an app update (an unsaved case, a batch, a re-score) holds the update.

type Listener = () => void;
const holds = new Map<number, string>();
const listeners = new Set<Listener>();
let next = 1;

/** Registers a reason the app must not reload now; call the returned function when the work ends. */
export function holdUpdates(reason: string): () => void {
  const id = next++;
  holds.set(id, reason);
  listeners.forEach((l) => l());
  return () => {
    if (holds.delete(id)) listeners.forEach((l) => l());
  };
}

export function updateHoldReasons(): string[] {
  return [...holds.values()];
}

export function onUpdateHoldsChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
