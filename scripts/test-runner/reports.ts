// What one runner's exit and report count for in the closing line: the test counts of pytest, vitest and Playwright reports, and a failure for a runner that crashed, never started or left no report.

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Reads a report's text into counts; throws when the text is not a report of that kind. */
export type ReportReader = (text: string) => Counts;

/** pytest's JUnit XML (`--junitxml`). */
export const pytestCounts: ReportReader = (xml) => {
  const attr = (name: string) => {
    const m = xml.match(new RegExp(`<testsuite[^>]* ${name}="(\\d+)"`));
    if (!m) throw new Error(`no ${name} in the JUnit report`);
    return Number(m[1]);
  };
  const failed = attr('failures') + attr('errors');
  const skipped = attr('skipped');
  return { passed: attr('tests') - failed - skipped, failed, skipped };
};

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  /** One entry per test file; a file that failed to load has status failed and no assertion results. */
  testResults?: Array<{ status: string; assertionResults: Array<{ status: string }> }>;
}

/**
 * vitest's JSON reporter. A file that failed to load holds no counted test, so it counts as one failure
 * (numFailedTestSuites would not do: it counts every failed describe block too).
 */
export const vitestCounts: ReportReader = (text) => {
  const r = JSON.parse(text) as VitestJson;
  if (typeof r.numTotalTests !== 'number') throw new Error('not a vitest JSON report');
  const unloaded = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  const ranNothing = r.numTotalTests === 0 && unloaded === 0 ? 1 : 0;
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests + unloaded + ranNothing,
    skipped: r.numPendingTests + (r.numTodoTests ?? 0),
  };
};

interface PlaywrightJson {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors?: unknown[];
}

/**
 * Playwright's JSON reporter. A flaky test counts as failed (flaky is worse than slow), and errors outside
 * any test (the web server did not start, a spec did not load) or a run of no tests count as one failure.
 */
export const playwrightCounts: ReportReader = (text) => {
  const r = JSON.parse(text) as PlaywrightJson;
  if (!r.stats) throw new Error('not a Playwright JSON report');
  const s = r.stats;
  const broken = (r.errors ?? []).length > 0 || s.expected + s.unexpected + s.flaky === 0 ? 1 : 0;
  return { passed: s.expected, failed: s.unexpected + s.flaky + broken, skipped: s.skipped };
};

export interface RunOutcome {
  /** How the process ended: an exit status, a signal, or the reason it never started. */
  exit: { status: number | null; signal?: string | null; startError?: string };
  /** The report's text, or the error reading it; absent for a runner without a report. */
  report?: { text: string } | { error: string };
  read?: ReportReader;
}

/** Counts for one runner and a note that says why it failed when the counts alone would not. */
export function countRun({ exit, report, read }: RunOutcome): Counts & { note: string } {
  const exited = exit.status === 0;
  const how = exit.startError
    ? `did not start: ${exit.startError}`
    : exited
      ? ''
      : `exit ${exit.status ?? exit.signal}`;
  if (!report || !read) return { passed: exited ? 1 : 0, failed: exited ? 0 : 1, skipped: 0, note: how };
  let counts: Counts;
  let note = how;
  try {
    if ('error' in report) throw new Error(report.error);
    counts = read(report.text);
  } catch (error) {
    counts = { passed: 0, failed: 1, skipped: 0 };
    note = `no readable report (${(error as Error).message})${how ? `; ${how}` : ''}`;
  }
  // A runner that failed without a failed test in its report (a crash, a setup error) still failed.
  if (!exited && counts.failed === 0) {
    counts = { ...counts, failed: 1 };
    note = `${how} with no failed test in its report`;
  }
  return { ...counts, note };
}
