#!/usr/bin/env node
// The test suites: `behaviour` (npm test) and `model` (npm run test:model), each a list of runners, ending in one line "N passed, N failed".
//
// Usage: node scripts/test-runner/run-tests.mjs behaviour [model] [--only WORDS]
//
// A runner that counts tests (pytest, vitest, Playwright) adds its counts; any other runner counts as one
// test. A runner that crashes, never starts, or leaves no readable report counts as failed, so the closing
// line can never read "0 failed" over a suite that did not run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';

const PYTHON = '/usr/bin/python3';
const SUITES = { behaviour: behaviourSuite, model: modelSuite };

// --only WORDS runs just the runners whose name contains WORDS (e.g. --only browser), for a quick rerun.
const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv.splice(onlyAt, 2)[1] : undefined;
const wanted = (name) => only === undefined || name.includes(only);
const suites = argv;
if (suites.length === 0 || suites.some((s) => !(s in SUITES))) {
  process.stderr.write(`usage: run-tests.mjs ${Object.keys(SUITES).join('|')} [...]\n`);
  process.exit(2);
}

/** Every runner's outcome, in order: { suite, name, ok, seconds, note }. */
const results = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
let suite = '';

/**
 * Runs one command. `report` (optional) is { file, read(json|text) → {passed, failed, skipped} }: the file is
 * deleted first, so a stale report from an earlier run is never counted for this one.
 */
function run(name, command, args, { report, env } = {}) {
  if (!wanted(name)) return true;
  const t0 = Date.now();
  process.stderr.write(`\n=== ${suite} / ${name}: ${command} ${args.join(' ')}\n`);
  if (report) rmSync(report.file, { force: true });
  const child = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  const exited = child.status === 0;
  let counts = exited ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  let note = child.error
    ? `did not start: ${child.error.message}`
    : exited
      ? ''
      : `exit ${child.status ?? child.signal}`;
  if (report) {
    try {
      counts = report.read(readFileSync(report.file, 'utf8'));
    } catch (error) {
      counts = { passed: 0, failed: 1 };
      note = `no readable report ${report.file} (${error.code ?? error.message})${note ? `; ${note}` : ''}`;
    }
    // A runner that failed without a failed test (a crash, a setup error, an unreadable file) still failed.
    if (!exited && counts.failed === 0) {
      counts = { ...counts, failed: 1 };
      note ||= `exit ${child.status ?? child.signal} with no failed test in its report`;
    }
  }
  record(name, { ...counts, ok: exited && counts.failed === 0, seconds: (Date.now() - t0) / 1000, note });
  return exited && counts.failed === 0;
}

/** A runner that could not be run at all: one failure, with the reason. */
function refuse(name, note) {
  if (!wanted(name)) return;
  process.stderr.write(`\n=== ${suite} / ${name}: not run: ${note}\n`);
  record(name, { passed: 0, failed: 1, ok: false, seconds: 0, note });
}

function record(name, { passed, failed, skipped = 0, ok, seconds, note }) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  results.push({ suite, name, ok, seconds, note, passed, failed });
}

const pytestReport = (file) => ({
  file,
  read(xml) {
    const attr = (n) => {
      const m = xml.match(new RegExp(`<testsuite[^>]* ${n}="(\\d+)"`));
      if (!m) throw new Error(`no ${n} in the JUnit report`);
      return Number(m[1]);
    };
    const bad = attr('failures') + attr('errors');
    const skipped = attr('skipped');
    return { passed: attr('tests') - bad - skipped, failed: bad, skipped };
  },
});

const vitestReport = (file) => ({
  file,
  read(text) {
    const r = JSON.parse(text);
    // Files that failed to load hold no counted test; each is one failure. A run of no tests did not run.
    const failed = r.numFailedTests + (r.numFailedTestSuites ?? 0) + (r.numTotalTests === 0 ? 1 : 0);
    return { passed: r.numPassedTests, failed, skipped: r.numPendingTests + (r.numTodoTests ?? 0) };
  },
});

const playwrightReport = (file) => ({
  file,
  read(text) {
    const r = JSON.parse(text);
    const s = r.stats;
    // Errors outside any test (the web server did not start, a spec did not load) fail the run.
    const outside = (r.errors ?? []).length;
    const ranNothing = s.expected + s.unexpected + s.flaky === 0;
    const broken = outside > 0 || ranNothing ? 1 : 0;
    return { passed: s.expected, failed: s.unexpected + s.flaky + broken, skipped: s.skipped };
  },
});

/** Whether something already answers on the port: Playwright would reuse it and test someone else's build. */
function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: 'localhost' });
    const done = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(false));
  });
}

async function browserTests(name, projects, reportFile, extraEnv = {}) {
  if (!wanted(name)) return;
  const port = Number(process.env.LUS_PORT ?? 4173);
  if (await portAnswers(port)) {
    refuse(
      name,
      `port ${port} is already in use (another server would be tested); set LUS_PORT to a free port`,
    );
    return;
  }
  run(name, 'npx', ['playwright', 'test', ...projects.flatMap((p) => ['--project', p])], {
    report: playwrightReport(reportFile),
    env: { LUS_E2E_REPORT: reportFile, ...extraEnv },
  });
}

function hasTorch() {
  return (
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0
  );
}

/** npm test: every behavioural check, with the fixture model and the small parity nets. */
async function behaviourSuite() {
  run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
  run('format', 'npx', ['prettier', '--check', '.']);
  if (hasTorch()) {
    run(
      'python tests',
      PYTHON,
      ['-m', 'pytest', '-q', 'training/tests', '--junitxml', 'test-results/pytest.xml'],
      {
        report: pytestReport('test-results/pytest.xml'),
      },
    );
    run('parity goldens (small nets)', 'npm', ['run', 'parity:goldens']);
  } else {
    refuse('python tests and parity goldens', `${PYTHON} with torch and torchvision is missing`);
  }
  run(
    'unit tests',
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'unit',
      '--reporter=default',
      '--reporter=json',
      '--outputFile=test-results/unit.json',
    ],
    { report: vitestReport('test-results/unit.json') },
  );
  if (run('build', 'npx', ['vite', 'build'])) {
    await browserTests('browser tests', ['behaviour', 'service-worker'], 'test-results/e2e.json');
  } else {
    refuse('browser tests', 'the build failed');
  }
}

/** npm run test:model: the evaluations of the real default model, and the ResNet152 parity goldens. */
async function modelSuite() {
  if (hasTorch()) {
    if (run('parity goldens (ResNet152)', 'npm', ['run', 'parity:goldens:large'])) {
      run(
        'ResNet152 parity',
        'npx',
        [
          'vitest',
          'run',
          '--project',
          'unit',
          'node/graphModelParity.test.ts',
          'node/onnxPeerParity.test.ts',
          '--reporter=default',
          '--reporter=json',
          '--outputFile=test-results/parity-resnet152.json',
        ],
        {
          report: vitestReport('test-results/parity-resnet152.json'),
          env: { LUS_PARITY_DIR: 'tests/.generated/parity-resnet152' },
        },
      );
    }
  } else {
    refuse('ResNet152 parity', `${PYTHON} with torch and torchvision is missing`);
  }
  run(
    'gate rates and heat mass (default model)',
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'model',
      '--reporter=default',
      '--reporter=json',
      '--outputFile=test-results/model.json',
    ],
    { report: vitestReport('test-results/model.json') },
  );
  // The behaviour suite just built the same tree when both run together; a build of its own otherwise.
  const built = results.some((r) => r.name === 'build' && r.ok);
  if (built || run('build', 'npx', ['vite', 'build'])) {
    await browserTests('default-model browser smoke', ['model'], 'test-results/e2e-model.json');
  } else {
    refuse('default-model browser smoke', 'the build failed');
  }
}

mkdirSync('test-results', { recursive: true });
const wall = {};
for (const name of suites) {
  suite = name;
  const t0 = Date.now();
  await SUITES[name]();
  wall[name] = (Date.now() - t0) / 1000;
}

const minutes = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
process.stderr.write('\n=== summary\n');
for (const name of suites) {
  for (const r of results.filter((x) => x.suite === name)) {
    const counted = r.passed + r.failed > 1 ? ` ${r.passed} passed, ${r.failed} failed` : '';
    process.stderr.write(
      `${r.ok ? 'ok  ' : 'FAIL'} ${name} / ${r.name} (${Math.round(r.seconds)} s)${counted}${r.note ? ` — ${r.note}` : ''}\n`,
    );
  }
}
for (const name of suites) console.log(`${name} suite wall time: ${minutes(wall[name])}`);
if (totals.skipped) console.log(`${totals.skipped} skipped`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(results.every((r) => r.ok) && totals.failed === 0 ? 0 : 1);
