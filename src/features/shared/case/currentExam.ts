// The exam being recorded on this device now: set by the reader when saving, shown while set, kept only in
// memory (so a restart starts with none) and forgotten after EXAM_IDLE_MS without a save.

/** A new patient is likely after this long without saving a case: the next save asks for the exam again. */
export const EXAM_IDLE_MS = 20 * 60_000;

let exam: { code: string; lastUsed: number } | null = null;

/** The exam code in use, or '' when none is set or it has gone idle. */
export function currentExam(now = Date.now()): string {
  if (exam && now - exam.lastUsed > EXAM_IDLE_MS) exam = null;
  return exam?.code ?? '';
}

/** Called on every save with its exam code: sets the exam, or keeps it alive. '' ends it. */
export function recordExamUse(code: string, now = Date.now()): void {
  exam = code ? { code, lastUsed: now } : null;
}

/** "New exam": the next frame is saved under a code the reader types afresh. */
export function endExam(): void {
  exam = null;
}
