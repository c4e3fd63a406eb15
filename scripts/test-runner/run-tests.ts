// The test suites: `behaviour` (npm test) and `model` (npm run test:model), each a list of runners, ending in one line "N passed, N failed".
//
// Usage: tsx scripts/test-runner/run-tests.ts behaviour [model] [--only WORDS]
//
// A runner that counts tests (pytest, vitest, Playwright) adds its counts; any other runner counts as one
// test. A runner that crashes, never starts, or leaves no readable report counts as failed (reports.ts), so
// the closing line can never read "0 failed" over a suite that did not run.
//
// Runners that do not depend on each other run side by side (the checks on one core, the unit tests on the
// other), each writing its output to test-results/logs/ and printed whole when it ends, so the output is
// never interleaved. A failed runner's last lines are printed again above the summary, where a CI log that
// keeps only its tail still shows them.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
  /** A failed runner's log, whose tail the summary repeats. */
  log?: string;
}

const results: RunnerResult[] = [];
let suite = '';

interface RunOptions {
  /** The report the runner writes; deleted first, so a stale one from an earlier run is never counted. */
  report?: { file: string; read: ReportReader };
  env?: Record<string, string>;
  /** Its output shown as it comes: for a runner that runs alone (the browser tests take minutes). */
  live?: boolean;
}

const LOGS = 'test-results/logs';
/** The lines of a failed runner's log printed again above the summary. */
const TAIL_LINES = 60;

interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  startError?: string;
}

/** Spawns a command with its output in a log file (and on stderr as it comes when live); resolves when it exits. */
function spawnLogged(
  command: string,
  args: string[],
  env: Record<string, string>,
  log: string,
  live: boolean,
): Promise<Exit> {
  return new Promise((resolve) => {
    const out = createWriteStream(log);
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    if (live) {
      child.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    }
    let settled = false;
    const finish = (exit: Exit) => {
      if (settled) return;
      settled = true;
      out.end(() => resolve(exit));
    };
    child.once('error', (error) => finish({ status: null, signal: null, startError: error.message }));
    child.once('close', (status, signal) => finish({ status, signal }));
  });
}

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');

/** Runs one command and records what it counts for; true when it passed. */
async function run(
  name: string,
  command: string,
  args: string[],
  { report, env, live = false }: RunOptions = {},
): Promise<boolean> {
  if (!wanted(name)) return true;
  const t0 = Date.now();
  const header = `=== ${suite} / ${name}: ${command} ${args.join(' ')}`;
  process.stderr.write(live ? `\n${header}\n` : `${header} (started)\n`);
  if (report) rmSync(report.file, { force: true });
  const log = join(LOGS, `${slug(`${suite}-${name}`)}.log`);
  const exit = await spawnLogged(command, args, env ?? {}, log, live);
  if (!live) process.stderr.write(`\n${header}\n${readFileSync(log, 'utf8')}`);
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
  const counts = countRun({ exit, ...(text && report ? { report: text, read: report.read } : {}) });
  const ok = exit.status === 0 && counts.failed === 0;
  results.push({ suite, name, ok, seconds: (Date.now() - t0) / 1000, ...counts, ...(ok ? {} : { log }) });
  return ok;
}

/** A runner that could not be run at all: one failure, with the reason. */
function refuse(name: string, note: string): void {
  if (!wanted(name)) return;
  process.stderr.write(`\n=== ${suite} / ${name}: not run: ${note}\n`);
  results.push({ suite, name, ok: false, seconds: 0, passed: 0, failed: 1, skipped: 0, note });
}

/** One vitest project (optionally only some of its files), counted from its JSON report. */
async function vitest(
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
  await run(name, 'npx', ['playwright', 'test', ...projects.flatMap((p) => ['--project', p])], {
    report: { file, read: playwrightCounts },
    env: { LUS_E2E_REPORT: file },
    live: true,
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
  const torch = hasTorch();
  // The unit tests read the small nets' goldens: they are made first.
  if (torch) await run('parity goldens (small nets)', 'npm', ['run', 'parity:goldens']);
  else refuse('python tests and parity goldens', `${PYTHON} with torch and torchvision is missing`);
  // One core runs the single-threaded checks and the build, the other the unit tests.
  const [built] = await Promise.all([
    (async () => {
      await run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
      await run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
      await run('format', 'npx', ['prettier', '--check', '.']);
      if (torch) {
        const file = 'test-results/pytest.xml';
        await run('python tests', PYTHON, ['-m', 'pytest', '-q', 'training/tests', '--junitxml', file], {
          report: { file, read: pytestCounts },
        });
      }
      return run('build', 'npx', ['vite', 'build']);
    })(),
    vitest('unit tests', 'unit', [], 'test-results/unit.json'),
  ]);
  if (built) {
    await browserTests('browser tests', ['service-worker', 'gpu', 'behaviour'], 'test-results/e2e.json');
  } else {
    refuse('browser tests', 'the build failed');
  }
}

/** npm run test:model: the evaluations of the real default model, and the ResNet152 parity goldens. */
async function modelSuite(): Promise<void> {
  if (hasTorch()) {
    if (await run('parity goldens (ResNet152)', 'npm', ['run', 'parity:goldens:large'])) {
      await vitest(
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
  await vitest('gate rates and heat mass (default model)', 'model', [], 'test-results/model.json');
  // The behaviour suite just built the same tree when both run together; a build of its own otherwise.
  const built = results.some((r) => r.name === 'build' && r.ok);
  if (built || (await run('build', 'npx', ['vite', 'build']))) {
    await browserTests('default-model browser smoke', ['model'], 'test-results/e2e-model.json');
  } else {
    refuse('default-model browser smoke', 'the build failed');
  }
}

mkdirSync(LOGS, { recursive: true });
const wall: Record<string, number> = {};
for (const name of suites) {
  suite = name;
  const t0 = Date.now();
  await SUITES[name]!();
  wall[name] = (Date.now() - t0) / 1000;
}

const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
for (const r of results.filter((r) => r.log)) {
  const lines = readFileSync(r.log!, 'utf8').trimEnd().split('\n');
  process.stderr.write(`\n=== ${r.suite} / ${r.name} failed; the last lines of ${r.log}:\n`);
  process.stderr.write(`${lines.slice(-TAIL_LINES).join('\n')}\n`);
}
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
