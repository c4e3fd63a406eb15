// The dashboard end to end: its numbers equal the unit-tested metrics for the same cases; matrix cells open their cases.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './helpers/app';
import {
  CLASS_IDS,
  coverageText,
  formatKappa,
  formatPercent,
  metricsCsv,
  metricsReport,
  type MetricsReport,
} from '../src/core';
import {
  caseLibrarySource,
  filterSource,
  labelledPredictions,
} from '../src/features/shared/metrics/metricsSource';
import {
  download,
  openLibraryApp,
  openTab,
  restoreBackup,
  writeGeneratedLibrary,
  type GeneratedLibrary,
} from './helpers/caseLibrary';

const V1 = 'fixture-tiny@0.9.0';
const V2 = 'fixture-tiny@1.0.0';
let lib: GeneratedLibrary;

test.beforeAll(async () => {
  lib = await writeGeneratedLibrary('dashboard-60', 60, [
    { modelId: 'fixture-tiny', modelVersion: '0.9.0', skill: 0.55 },
    { modelId: 'fixture-tiny', modelVersion: '1.0.0', skill: 0.8 },
  ]);
});

function nodeReport(key: string, filters = { from: '', to: '', zone: '', exam: '' }): MetricsReport {
  const source = caseLibrarySource(lib.records);
  return metricsReport(labelledPredictions(filterSource(source.cases, filters), key));
}

/** Every Table 1 cell: the raw value behind it and the text shown, against the unit-tested computation. */
async function expectTable(page: Page, prefix: string, r: MetricsReport): Promise<void> {
  const cols = ['precision', 'specificity', 'f1', 'recall', 'accuracy'] as const;
  for (const row of r.perClass) {
    for (const col of cols) {
      const cell = page.getByTestId(`${prefix}-${row.classId}-${col}`);
      const value = row[col];
      const shown = Number(await cell.getAttribute('data-value'));
      if (value === null) await expect(cell).toHaveAttribute('data-value', '');
      else expect(Math.abs(shown - value), `${prefix} ${row.classId} ${col}`).toBeLessThan(1e-12);
      await expect(cell.locator('.cell-value')).toHaveText(formatPercent(value));
    }
    await expect(page.getByTestId(`${prefix}-${row.classId}-kappa`)).toHaveText('—');
  }
  for (const col of [...cols, 'kappa'] as const) {
    const cell = page.getByTestId(`${prefix}-total-${col}`);
    const value = r.total[col];
    if (value === null) await expect(cell).toHaveAttribute('data-value', '');
    else
      expect(Math.abs(Number(await cell.getAttribute('data-value')) - value), `total ${col}`).toBeLessThan(
        1e-12,
      );
    await expect(cell.locator('.cell-value')).toHaveText(
      col === 'kappa' ? formatKappa(value) : formatPercent(value),
    );
  }
  for (let t = 0; t < 4; t++) {
    for (let p = 0; p < 4; p++) {
      await expect(page.getByTestId(`${prefix}-cm-${t}-${p}`)).toHaveAttribute(
        'data-count',
        String(r.matrix[t]![p]),
      );
    }
  }
  await expect(page.getByTestId(`${prefix}-coverage`)).toHaveText(coverageText(r.coverage));
}

test('the dashboard shows the same numbers as the unit-tested metrics, for two versions side by side', async ({
  page,
}) => {
  await openLibraryApp(page);
  await restoreBackup(page, lib.path);
  await openTab(page, 'Dashboard');
  await page.getByTestId('dash-model-a').selectOption(V2);
  const r2 = nodeReport(V2);
  expect(r2.coverage.unsure).toBeGreaterThan(0);
  await expectTable(page, 'a', r2);
  await page.getByTestId('dash-model-b').selectOption(V1);
  await expectTable(page, 'b', nodeReport(V1));
  const ece = Number(await page.getByTestId('a-ece').getAttribute('data-value'));
  expect(Math.abs(ece - r2.calibration.ece!)).toBeLessThan(1e-12);
  // Calibration bins say how many cases they hold: the same counts as the metrics, adding up to the scored.
  const binCounts = await page
    .getByTestId('a-calibration-bin')
    .evaluateAll((bins) => bins.map((b) => Number(b.getAttribute('data-count'))));
  expect(binCounts).toEqual(r2.calibration.bins.filter((b) => b.count > 0).map((b) => b.count));
  expect(binCounts.reduce((a, b) => a + b, 0)).toBe(r2.coverage.scored);
  // The CSV holds the same numbers, including the seeded bootstrap intervals.
  const csv = (await download(page, () => page.getByTestId('metrics-csv').click())).bytes.toString('utf8');
  expect(csv).toBe([metricsCsv(r2, V2), metricsCsv(nodeReport(V1), V1)].join('\n'));
});

test('a confusion-matrix cell lists exactly the cases behind it, and one opens', async ({ page }) => {
  await openLibraryApp(page);
  await restoreBackup(page, lib.path);
  await openTab(page, 'Dashboard');
  await page.getByTestId('dash-model-a').selectOption(V1);
  const r = nodeReport(V1);
  // An off-diagonal cell with cases (a disagreement) and a diagonal one.
  const cells: Array<[number, number]> = [];
  for (let t = 0; t < 4; t++)
    for (let p = 0; p < 4; p++) if (t !== p && r.matrix[t]![p]! > 0) cells.push([t, p]);
  cells.splice(1);
  cells.push([2, 2]);
  for (const [t, p] of cells) {
    await page.getByTestId(`a-cm-${t}-${p}`).click();
    const list = page.getByTestId('a-cell-cases');
    await expect(list).toHaveAttribute('data-count', String(r.cellCases[t]![p]!.length));
    const ids = await list
      .getByTestId('cell-case')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')));
    expect(ids.sort()).toEqual([...r.cellCases[t]![p]!].sort());
  }
  const [t, p] = cells[0]!;
  await page.getByTestId(`a-cm-${t}-${p}`).click();
  const first = r.cellCases[t]![p]![0]!;
  await page.locator(`[data-testid="cell-case"][data-case-id="${first}"] button`).click();
  await expect(page.getByTestId('case-detail')).toHaveAttribute('data-case-id', first);
  const record = lib.records.find((x) => x.id === first)!;
  expect(record.label).toBe(CLASS_IDS[t]);
});

test('filters by exam, zone and date recompute every number; print hides the controls', async ({ page }) => {
  await openLibraryApp(page);
  await restoreBackup(page, lib.path);
  await openTab(page, 'Dashboard');
  await page.getByTestId('dash-model-a').selectOption(V2);
  await page.getByTestId('dash-exam').selectOption('EX-C');
  await expectTable(page, 'a', nodeReport(V2, { from: '', to: '', zone: '', exam: 'EX-C' }));
  await page.getByTestId('dash-exam').selectOption('');
  const zone = lib.records[3]!.zone;
  await page.getByTestId('dash-zone').selectOption(zone);
  await expectTable(page, 'a', nodeReport(V2, { from: '', to: '', zone, exam: '' }));
  // A date range is whole local days: from the day of the middle case to the end of the library.
  await page.getByTestId('dash-zone').selectOption('');
  const middle = new Date(lib.records[Math.floor(lib.records.length / 2)]!.created);
  const from = `${middle.getFullYear()}-${String(middle.getMonth() + 1).padStart(2, '0')}-${String(middle.getDate()).padStart(2, '0')}`;
  await page.getByTestId('dash-from').fill(from);
  const later = nodeReport(V2, { from, to: '', zone: '', exam: '' });
  expect(later.total.n).toBeLessThan(nodeReport(V2).total.n);
  await expectTable(page, 'a', later);
  await page.getByTestId('dash-from').fill('');

  await page.evaluate(() => {
    (window as unknown as { printed: boolean }).printed = false;
    window.print = () => {
      (window as unknown as { printed: boolean }).printed = true;
    };
  });
  await page.getByTestId('dash-print').click();
  expect(await page.evaluate(() => (window as unknown as { printed: boolean }).printed)).toBe(true);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.app-header')).toBeHidden();
  await expect(page.getByTestId('dash-model-a')).toBeHidden();
  await expect(page.getByTestId('a-table1')).toBeVisible();
});

test('a dashboard whose code cannot be fetched says so in its place; the other screens keep working, and "Try again" opens it', async ({
  page,
}) => {
  await openApp(page);
  // The dashboard's code is a chunk of its own, fetched when the screen is first opened.
  let blocked = true;
  await page.route(/\/assets\/dashboard-[^/]*\.js$/, (route) => (blocked ? route.abort() : route.continue()));
  await openTab(page, 'Dashboard');
  const failed = page.getByTestId('screen-error');
  await expect(failed).toContainText('This screen could not be opened');
  await expect(page.getByTestId('safety-line')).toBeVisible();
  await openTab(page, 'Classify');
  await expect(failed).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Choose a frame or clip' })).toBeVisible();
  await openTab(page, 'Dashboard');
  await expect(failed).toBeVisible();
  blocked = false;
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { name: 'How well the model agrees with you' })).toBeVisible();
  await expect(failed).toHaveCount(0);
});
