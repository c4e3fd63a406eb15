// The exam in use is forgotten after the idle time, kept alive by saves, and ended by "New exam".
import { afterEach, describe, expect, it } from 'vitest';
import { EXAM_IDLE_MS, currentExam, endExam, recordExamUse } from './currentExam';

describe('currentExam', () => {
  afterEach(() => endExam());

  it('starts with no exam (a restart never carries one over)', () => {
    expect(currentExam()).toBe('');
  });

  it('keeps the exam while saves keep coming, and forgets it after the idle time', () => {
    recordExamUse('EX-001', 0);
    expect(currentExam(EXAM_IDLE_MS - 1)).toBe('EX-001');
    recordExamUse('EX-001', EXAM_IDLE_MS - 1);
    expect(currentExam(2 * EXAM_IDLE_MS - 2)).toBe('EX-001');
    expect(currentExam(2 * EXAM_IDLE_MS)).toBe('');
    // Once forgotten it stays forgotten, even if the clock is read with an earlier time.
    expect(currentExam(0)).toBe('');
  });

  it('"New exam" and an empty code end the exam at once', () => {
    recordExamUse('EX-001', 0);
    endExam();
    expect(currentExam(1)).toBe('');
    recordExamUse('EX-002', 0);
    recordExamUse('', 1);
    expect(currentExam(2)).toBe('');
  });
});
