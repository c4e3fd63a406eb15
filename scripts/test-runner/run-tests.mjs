#!/usr/bin/env node
// npm test: every check in order (types, lint, Python exporter tests, parity goldens, unit, build, browser),
// then one closing line "N passed, N failed" counted over all runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const results = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function run(name, command, args, { countFrom } = {}) {
  const t0 = Date.now();
  process.stderr.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const child = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const ok = child.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - t0) / 1000) });
  if (countFrom) {
    try {
      const counts = countFrom();
      passed += counts.passed;
      failed += counts.failed;
      skipped += counts.skipped ?? 0;
    } catch {
      if (!ok) failed += 1;
    }
  } else if (ok) passed += 1;
  else failed += 1;
  return ok;
}

mkdirSync('test-results', { recursive: true });
const python = '/usr/bin/python3';
const hasTorch =
  existsSync(python) &&
  spawnSync(python, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;

run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
run('format', 'npx', ['prettier', '--check', '.']);

if (hasTorch) {
  if (existsSync('training/tests')) {
    run(
      'python tests',
      python,
      ['-m', 'pytest', '-q', 'training/tests', '--junitxml', 'test-results/pytest.xml'],
      {
        countFrom: () => {
          const xml = readFileSync('test-results/pytest.xml', 'utf8');
          const attr = (n) => Number((xml.match(new RegExp(`<testsuite[^>]* ${n}="(\\d+)"`)) ?? [])[1] ?? 0);
          const tests = attr('tests');
          const bad = attr('failures') + attr('errors');
          return { passed: tests - bad - attr('skipped'), failed: bad, skipped: attr('skipped') };
        },
      },
    );
  }
  if (existsSync('training/make_goldens.py')) run('parity goldens', 'npm', ['run', 'parity:goldens']);
} else {
  process.stderr.write(
    `\n${python} with torch/torchvision is missing: the exporter tests and parity goldens cannot run.\n`,
  );
  failed += 1;
}

run(
  'unit tests',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json'],
  {
    countFrom: () => {
      const r = JSON.parse(readFileSync('test-results/unit.json', 'utf8'));
      return {
        passed: r.numPassedTests,
        failed: r.numFailedTests + (r.numFailedTestSuites ?? 0),
        skipped: r.numPendingTests,
      };
    },
  },
);

if (run('build', 'npx', ['vite', 'build'])) {
  run('browser tests', 'npx', ['playwright', 'test'], {
    countFrom: () => {
      const r = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
      return {
        passed: r.stats.expected,
        failed: r.stats.unexpected + r.stats.flaky,
        skipped: r.stats.skipped,
      };
    },
  });
}

process.stderr.write('\n=== summary\n');
for (const r of results) process.stderr.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)\n`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) && failed === 0 ? 0 : 1);
