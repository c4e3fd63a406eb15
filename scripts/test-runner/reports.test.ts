// The closing line counts a runner that crashed, never started or left no report as failed, and reads each runner's report right.
import { describe, expect, it } from 'vitest';
import { countRun, playwrightCounts, pytestCounts, vitestCounts } from './reports';

const vitestJson = (o: Record<string, number>) =>
  JSON.stringify({ numTotalTests: 3, numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, ...o });
const playwrightJson = (stats: Record<string, number>, errors: unknown[] = []) =>
  JSON.stringify({ stats: { expected: 5, unexpected: 0, flaky: 0, skipped: 0, ...stats }, errors });

describe('countRun', () => {
  it('counts a runner without a report as one test, passed or failed by its exit status', () => {
    expect(countRun({ exit: { status: 0 } })).toMatchObject({ passed: 1, failed: 0 });
    expect(countRun({ exit: { status: 2 } })).toMatchObject({ passed: 0, failed: 1, note: 'exit 2' });
    expect(countRun({ exit: { status: null, startError: 'spawn npx ENOENT' } })).toMatchObject({
      failed: 1,
      note: 'did not start: spawn npx ENOENT',
    });
  });

  it('counts the tests of a readable report', () => {
    const c = countRun({
      exit: { status: 1 },
      report: { text: vitestJson({ numFailedTests: 2, numPassedTests: 1 }) },
      read: vitestCounts,
    });
    expect(c).toMatchObject({ passed: 1, failed: 2 });
  });

  it('fails a runner whose report is missing or unreadable, even when it exited 0', () => {
    expect(
      countRun({ exit: { status: 0 }, report: { error: 'e2e.json: ENOENT' }, read: playwrightCounts }),
    ).toMatchObject({
      passed: 0,
      failed: 1,
    });
    expect(
      countRun({ exit: { status: 0 }, report: { text: '{"not":"a report"}' }, read: playwrightCounts })
        .failed,
    ).toBe(1);
  });

  it('fails a runner that exited non-zero although its report names no failed test (a crash, a setup error)', () => {
    const c = countRun({ exit: { status: 1 }, report: { text: vitestJson({}) }, read: vitestCounts });
    expect(c).toMatchObject({ passed: 3, failed: 1 });
    expect(c.note).toContain('no failed test');
  });
});

describe('report readers', () => {
  it('Playwright: a web server that never started, or a run of no tests, is one failure; flaky is failed', () => {
    expect(
      playwrightCounts(
        playwrightJson({ expected: 0 }, [{ message: 'Timed out waiting for the web server' }]),
      ),
    ).toEqual({
      passed: 0,
      failed: 1,
      skipped: 0,
    });
    expect(playwrightCounts(playwrightJson({ expected: 0 })).failed).toBe(1);
    expect(playwrightCounts(playwrightJson({ expected: 4, flaky: 1, skipped: 2 }))).toEqual({
      passed: 4,
      failed: 1,
      skipped: 2,
    });
  });

  it('vitest: a file that failed to load, or no test at all, is a failure; a failed describe is not counted again', () => {
    const files = (...f: Array<[string, string[]]>) =>
      f.map(([status, assertions]) => ({ status, assertionResults: assertions.map((a) => ({ status: a })) }));
    // Two failed tests inside nested describes, and a file that threw on load.
    const report = vitestJson({
      numTotalTests: 3,
      numPassedTests: 1,
      numFailedTests: 2,
      numFailedTestSuites: 4,
    });
    const withFiles = JSON.stringify({
      ...JSON.parse(report),
      testResults: files(['failed', ['failed', 'failed', 'passed']], ['failed', []]),
    });
    expect(vitestCounts(withFiles)).toEqual({ passed: 1, failed: 3, skipped: 0 });
    expect(vitestCounts(vitestJson({ numTotalTests: 0, numPassedTests: 0 })).failed).toBe(1);
    expect(vitestCounts(vitestJson({ numPendingTests: 2, numPassedTests: 1 }))).toEqual({
      passed: 1,
      failed: 0,
      skipped: 2,
    });
  });

  it('pytest: failures and errors fail, skips are reported apart', () => {
    const xml =
      '<testsuites><testsuite name="pytest" errors="1" failures="2" skipped="1" tests="10" time="3.1"></testsuite></testsuites>';
    expect(pytestCounts(xml)).toEqual({ passed: 6, failed: 3, skipped: 1 });
    expect(() => pytestCounts('<html>')).toThrow();
  });
});
