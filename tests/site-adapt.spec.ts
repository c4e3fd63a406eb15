// Adapt to this site, end to end with the fixture model: measure on labelled cases, adopt on consent, survive a reload, revert, share, refuse a foreign head.
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_IDS, detectUltrasoundRegion } from '../src/core';
import { encodeGreyPng } from '../node';
import { generatePhantom } from '../src/synth';
import { readBatchCsv } from './helpers/batchCsv';
import { dropFile, readProbabilities } from './helpers/app';
import { headBody, writeSiteHead } from '../src/core/adapt';
import { GENERATED } from './helpers/fixtures';
import { SITE_HEAD_SUMMARY } from './helpers/siteHead';
import {
  download,
  openLibraryApp,
  openTab,
  restoreBackup,
  writeGeneratedLibrary,
} from './helpers/caseLibrary';

const panel = (page: Page) => page.getByTestId('site-adapt');

async function openPanel(page: Page) {
  await openTab(page, 'Cases');
  const summary = panel(page).locator('summary');
  if (!(await panel(page).getAttribute('open'))) await summary.click();
}

test('a site head is measured on held-out exams, adopted on consent, survives a reload, is shared, and reverts', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await openLibraryApp(page);
  const lib = await writeGeneratedLibrary('adapt-120', 120);
  await restoreBackup(page, lib.path);
  const labelled = lib.records.filter((r) => r.label !== 'unsure').length;

  await openPanel(page);
  const measure = page.getByTestId('adapt-measure');
  await expect(measure).toHaveText(`Measure a site head on ${labelled} labelled cases`);
  await measure.click();
  await expect(page.getByTestId('adapt-result')).toBeVisible({ timeout: 300_000 });
  // Before and after on the same held-out cases, per sign with the number of cases and exams.
  await expect(page.getByTestId('adapt-figures')).toContainText(
    /On held-out exams \(5 folds, \d+ cases\): accuracy [\d.]+ % → [\d.]+ %/,
  );
  for (const id of CLASS_IDS) await expect(page.getByTestId(`adapt-sign-${id}`)).toContainText(/\d+ \(5\)/);
  // Each head's held-out reading as the dashboard shows one: a heat map over the same cases and Table 1 with
  // the accuracy the figures quote.
  const figures = (await page.getByTestId('adapt-figures').textContent())!;
  const [, cases, before, after] = /(\d+) cases\): accuracy ([\d.]+) % → ([\d.]+) %/.exec(figures)!;
  for (const [prefix, quoted] of [
    ['adapt-before', before],
    ['adapt-after', after],
  ] as const) {
    const counts = await page
      .getByTestId(`${prefix}-confusion`)
      .locator('[data-count]')
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))));
    expect(
      counts.reduce((a, b) => a + b, 0),
      `${prefix} cases in the matrix`,
    ).toBe(Number(cases));
    const accuracy = Number(await page.getByTestId(`${prefix}-total-accuracy`).getAttribute('data-value'));
    expect((100 * accuracy).toFixed(1), `${prefix} Table 1 accuracy`).toBe(quoted);
  }
  const verdict = await page.getByTestId('adapt-verdict').textContent();
  console.log(`site head on generated cases: ${verdict}`);
  // These generated cases carry the probe shape in their label (even signs convex, odd linear): a head can learn it.
  expect(verdict).toMatch(/more cases right/);

  // Every labelled case needed one model run for its features, kept with its prediction…
  await expect(page.getByTestId('adapt-result')).toHaveAttribute('data-feature-runs', String(labelled));
  const firstVerdict = await page.getByTestId('adapt-verdict').textContent();
  // …so a second measurement runs no model and gives the same figures.
  await measure.click();
  await expect(page.getByTestId('adapt-result')).toHaveAttribute('data-feature-runs', '0', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('adapt-verdict')).toHaveText(firstVerdict!);

  const shared = await download(page, () => page.getByTestId('adapt-export').click());
  expect(shared.name).toMatch(/^site-head-fixture-tiny-1\.0\.0-.*\.json$/);
  const headFile = JSON.parse(shared.bytes.toString('utf8')) as { base: { id: string }; kernel: number[] };
  expect(headFile.base.id).toBe('fixture-tiny');
  expect(headFile.kernel).toHaveLength(16 * 4);

  await page.getByTestId('adapt-site').fill('Ward 7');
  await page.getByTestId('adapt-adopt').click();
  await expect(page.getByTestId('adapt-message')).toContainText('Now in use:', { timeout: 60_000 });
  await expect(page.getByTestId('adapt-in-use')).toContainText(
    'v1.0.0+site1, a site head over fixture-tiny 1.0.0',
  );
  // Results of the adapted model are keyed by its own version: re-scoring offers every case again.
  await expect(page.getByTestId('rescore-start')).toHaveText('Re-score 120 cases');

  // Offline-ready reload without the test's model parameter: the adopted head is still the model in use.
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await openPanel(page);
  await expect(page.getByTestId('adapt-in-use')).toContainText('v1.0.0+site1');

  // One step back to the base model.
  await page.getByTestId('adapt-revert').click();
  await expect(page.getByTestId('adapt-message')).toContainText('Back on the base model', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('adapt-measure')).toBeVisible();

  // Another tablet imports the shared file: the same adapted version comes back.
  const sharedPath = join(GENERATED, 'shared-site-head.json');
  writeFileSync(sharedPath, shared.bytes);
  await page.getByTestId('adapt-import').setInputFiles(sharedPath);
  await expect(page.getByTestId('adapt-message')).toContainText('Imported and in use:', { timeout: 60_000 });
  await expect(page.getByTestId('adapt-in-use')).toContainText('v1.0.0+site1');
});

test('a site head fitted on another base model is refused with the reason, and the model in use stays', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openLibraryApp(page);
  const head = { features: 16, classes: 4, kernel: new Float32Array(64), bias: new Float32Array(4) };
  const text = await writeSiteHead(
    headBody(
      head,
      { id: 'lus-resnet152', version: '2.0.0', weightsHash: 'abc' },
      1,
      'Elsewhere',
      SITE_HEAD_SUMMARY,
    ),
    async (bytes) => createHash('sha256').update(bytes).digest('hex'),
  );
  const path = join(GENERATED, 'foreign-site-head.json');
  writeFileSync(path, text);
  await openPanel(page);
  await page.getByTestId('adapt-import').setInputFiles(path);
  await expect(page.getByTestId('adapt-message')).toContainText(
    'fitted on lus-resnet152 2.0.0, not on fixture-tiny 1.0.0',
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('adapt-measure')).toBeVisible();
});

test('the folder `lus-signs adapt` writes imports into the app and reads a frame as the command line does', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const root = join(GENERATED, 'adapt-cli-site');
  const site = join(root, 'site');
  const out = join(root, 'adapted');
  if (!existsSync(`${site}.complete`)) {
    rmSync(site, { recursive: true, force: true });
    let seed = 900;
    for (const label of CLASS_IDS)
      for (let clip = 1; clip <= 6; clip++)
        for (let f = 0; f < 3; f++) {
          let p = generatePhantom({ classId: label, width: 192, height: 160, seed: seed++, overlays: false });
          while (!detectUltrasoundRegion(p.image).found)
            p = generatePhantom({ classId: label, width: 192, height: 160, seed: seed++, overlays: false });
          mkdirSync(join(site, label), { recursive: true });
          writeFileSync(join(site, label, `clip${clip}_f${f}.png`), encodeGreyPng(p.image));
        }
    writeFileSync(`${site}.complete`, '');
  }
  rmSync(out, { recursive: true, force: true });
  const launcher = join(import.meta.dirname, '..', 'cli', 'lus-signs.mjs');
  const fixture = join(import.meta.dirname, '..', 'public', 'models', 'fixture-tiny');
  const adapt = spawnSync(
    process.execPath,
    [launcher, 'adapt', site, '--model', fixture, '--out', out, '--force'],
    {
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  expect(adapt.status, adapt.stderr).toBe(0);
  const frame = join(site, 'b_lines', 'clip2_f1.png');
  const csv = join(root, 'one.csv');
  const one = join(root, 'one');
  rmSync(one, { recursive: true, force: true });
  mkdirSync(one, { recursive: true });
  writeFileSync(join(one, 'clip2_f1.png'), readFileSync(frame));
  const score = spawnSync(process.execPath, [launcher, 'score', one, '--model', out, '--out', csv], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(score.status, score.stderr).toBe(0);
  const row = readBatchCsv(readFileSync(csv, 'utf8'))[0]!;
  expect(row.model_version).toBe('1.0.0+site1');

  await openLibraryApp(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('import-model-folder').setInputFiles(out);
  await expect(page.getByTestId('import-confirm')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('import-use').click();
  await expect(page.getByTestId('import-message')).toContainText('v1.0.0+site1', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Classify', exact: true }).click();
  await dropFile(page, frame);
  const p = await readProbabilities(page);
  await expect(page.getByTestId('result-meta')).toContainText('1.0.0+site1');
  for (const id of CLASS_IDS) expect(Math.abs(p[id]! - Number(row[`p_${id}`]))).toBeLessThan(2e-3);
});
