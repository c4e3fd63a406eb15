// The test suites: `behaviour` (npm test) and `model` (npm run test:model), each a list of runners, ending in one line "N passed, N failed".
//
// Usage: tsx scripts/test-runner/run-tests.ts behaviour [model] [--only WORDS]
//
// A runner that counts tests (pytest, vitest, Playwright) adds its counts; any other runner counts as one
// test. A runner that crashes, never starts, or leaves no readable report counts as failed (reports.ts), so
// the closing line can never read "0 failed" over a suite that did not run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import {
  countRun,
  playwrightCounts,
  pytestCounts,
  vitestCounts,
  type Counts,
  type ReportReader,
} from './reports';

const PYTHON = '/usr/bin/python3';
const SUITES: Record<string, () => Promise<void>> = { behaviour: behaviourSuite, model: modelSuite };

// --only WORDS runs just the runners whose name contains WORDS (e.g. --only browser), for a quick rerun.
const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv.splice(onlyAt, 2)[1] : undefined;
const wanted = (name: string) => only === undefined || name.includes(only);
const suites = argv;
if (suites.length === 0 || suites.some((s) => !(s in SUITES))) {
  process.stderr.write(`usage: run-tests.ts ${Object.keys(SUITES).join('|')} [...] [--only WORDS]\n`);
  process.exit(2);
}

interface RunnerResult extends Counts {
  suite: string;
  name: string;
  ok: boolean;
  seconds: number;
  note: string;
}

const results: RunnerResult[] = [];
let suite = '';

interface RunOptions {
  /** The report the runner writes; deleted first, so a stale one from an earlier run is never counted. */
  report?: { file: string; read: ReportReader };
  env?: Record<string, string>;
}

/** Runs one command and records what it counts for; true when it passed. */
function run(name: string, command: string, args: string[], { report, env }: RunOptions = {}): boolean {
  if (!wanted(name)) return true;
  const t0 = Date.now();
  process.stderr.write(`\n=== ${suite} / ${name}: ${command} ${args.join(' ')}\n`);
  if (report) rmSync(report.file, { force: true });
  const child = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  let text: { text: string } | { error: string } | undefined;
  if (report) {
    try {
      text = { text: readFileSync(report.file, 'utf8') };
    } catch (error) {
      text = {
        error: `${report.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      };
    }
  }
  const counts = countRun({
    exit: {
      status: child.status,
      signal: child.signal,
      ...(child.error ? { startError: child.error.message } : {}),
    },
    ...(text && report ? { report: text, read: report.read } : {}),
  });
  const ok = child.status === 0 && counts.failed === 0;
  results.push({ suite, name, ok, seconds: (Date.now() - t0) / 1000, ...counts });
  return ok;
}

/** A runner that could not be run at all: one failure, with the reason. */
function refuse(name: string, note: string): void {
  if (!wanted(name)) return;
  process.stderr.write(`\n=== ${suite} / ${name}: not run: ${note}\n`);
  results.push({ suite, name, ok: false, seconds: 0, passed: 0, failed: 1, skipped: 0, note });
}

/** One vitest project (optionally only some of its files), counted from its JSON report. */
function vitest(
  name: string,
  project: string,
  files: string[],
  file: string,
  env: Record<string, string> = {},
) {
  const args = ['vitest', 'run', '--project', project, ...files, '--reporter=default', '--reporter=json'];
  return run(name, 'npx', [...args, `--outputFile=${file}`], { report: { file, read: vitestCounts }, env });
}

/** Whether something already answers on the port: Playwright would reuse it and test someone else's build. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: 'localhost' });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(false));
  });
}

async function browserTests(name: string, projects: string[], file: string): Promise<void> {
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
    report: { file, read: playwrightCounts },
    env: { LUS_E2E_REPORT: file },
  });
}

function hasTorch(): boolean {
  return (
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0
  );
}

/** npm test: every behavioural check, with the fixture model and the small parity nets. */
async function behaviourSuite(): Promise<void> {
  run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
  run('format', 'npx', ['prettier', '--check', '.']);
  if (hasTorch()) {
    const file = 'test-results/pytest.xml';
    run('python tests', PYTHON, ['-m', 'pytest', '-q', 'training/tests', '--junitxml', file], {
      report: { file, read: pytestCounts },
    });
    run('parity goldens (small nets)', 'npm', ['run', 'parity:goldens']);
  } else {
    refuse('python tests and parity goldens', `${PYTHON} with torch and torchvision is missing`);
  }
  vitest('unit tests', 'unit', [], 'test-results/unit.json');
  if (run('build', 'npx', ['vite', 'build'])) {
    await browserTests('browser tests', ['behaviour', 'service-worker'], 'test-results/e2e.json');
  } else {
    refuse('browser tests', 'the build failed');
  }
}

/** npm run test:model: the evaluations of the real default model, and the ResNet152 parity goldens. */
async function modelSuite(): Promise<void> {
  if (hasTorch()) {
    if (run('parity goldens (ResNet152)', 'npm', ['run', 'parity:goldens:large'])) {
      vitest(
        'ResNet152 parity',
        'unit',
        ['node/graphModelParity.test.ts', 'node/onnxPeerParity.test.ts'],
        'test-results/parity-resnet152.json',
        { LUS_PARITY_DIR: 'tests/.generated/parity-resnet152' },
      );
    }
  } else {
    refuse('ResNet152 parity', `${PYTHON} with torch and torchvision is missing`);
  }
  vitest('gate rates and heat mass (default model)', 'model', [], 'test-results/model.json');
  // The behaviour suite just built the same tree when both run together; a build of its own otherwise.
  const built = results.some((r) => r.name === 'build' && r.ok);
  if (built || run('build', 'npx', ['vite', 'build'])) {
    await browserTests('default-model browser smoke', ['model'], 'test-results/e2e-model.json');
  } else {
    refuse('default-model browser smoke', 'the build failed');
  }
}

mkdirSync('test-results', { recursive: true });
const wall: Record<string, number> = {};
for (const name of suites) {
  suite = name;
  const t0 = Date.now();
  await SUITES[name]!();
  wall[name] = (Date.now() - t0) / 1000;
}

const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
process.stderr.write('\n=== summary\n');
for (const r of results) {
  const counted = r.passed + r.failed > 1 ? ` ${r.passed} passed, ${r.failed} failed` : '';
  const note = r.note ? ` — ${r.note}` : '';
  process.stderr.write(
    `${r.ok ? 'ok  ' : 'FAIL'} ${r.suite} / ${r.name} (${Math.round(r.seconds)} s)${counted}${note}\n`,
  );
}
const sum = (key: keyof Counts) => results.reduce((n, r) => n + r[key], 0);
for (const name of suites) console.log(`${name} suite wall time: ${minutes(wall[name]!)}`);
if (sum('skipped')) console.log(`${sum('skipped')} skipped`);
console.log(`${sum('passed')} passed, ${sum('failed')} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
