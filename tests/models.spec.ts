// A hospital imports its own model (folder or .zip): validated, kept on the device, survives reload and offline use.
import { expect, test, type Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAMES, GENERATED } from './helpers/fixtures';
import { dropFile, openApp, readProbabilities } from './helpers/app';

const FIXTURE = join(import.meta.dirname, '..', 'public', 'models', 'fixture-tiny');
const HOSPITAL = join(GENERATED, 'import', 'hospital-model');
const BROKEN = join(GENERATED, 'import', 'broken-model');
const ZIP = join(GENERATED, 'import', 'hospital-model.zip');
const SHOTS = process.env.LUS_SHOTS;

/** A hospital's card: Markdown with a table, and markup and remote images that must not run or load. */
const HOSPITAL_CARD = `# Model card: hospital-test v2.0.0

Trained on **ward 4 audit frames**.

## Evaluation on ward 4

| sign | recall |
| --- | ---: |
| A-lines | 92.0 % |
| B-lines | 88.5 % |

- Confirm every sign.

<img src="http://203.0.113.9/pixel.png" onerror="window.__cardRan = true">
<script>window.__cardRan = true</script>

![ward logo](http://203.0.113.9/logo.png) [run](javascript:window.__cardRan=true)
`;

function hospitalModelJson(): string {
  const json = JSON.parse(readFileSync(join(FIXTURE, 'model.json'), 'utf8')) as {
    userDefinedMetadata: { lusSigns: Record<string, unknown> };
  };
  Object.assign(json.userDefinedMetadata.lusSigns, {
    id: 'hospital-test',
    version: '2.0.0',
    displayName: 'Hospital test model',
    // A hospital's own model is not a software-test fixture, though its weights are the fixture's here.
    isTestModel: false,
    provenance: {
      trainedOn: 'Ward 4 audit frames',
      licence: 'Hospital internal use',
      createdAt: '2026-11-27',
    },
    modelCard: HOSPITAL_CARD,
  });
  return JSON.stringify(json);
}

test.beforeAll(() => {
  rmSync(join(GENERATED, 'import'), { recursive: true, force: true });
  mkdirSync(HOSPITAL, { recursive: true });
  mkdirSync(BROKEN, { recursive: true });
  const shard = readFileSync(join(FIXTURE, 'group1-shard1of1.bin'));
  writeFileSync(join(HOSPITAL, 'model.json'), hospitalModelJson());
  writeFileSync(join(HOSPITAL, 'group1-shard1of1.bin'), shard);
  writeFileSync(join(BROKEN, 'model.json'), hospitalModelJson());
  writeFileSync(
    ZIP,
    zipSync({
      'export/model.json': new TextEncoder().encode(hospitalModelJson()),
      'export/group1-shard1of1.bin': new Uint8Array(shard),
    }),
  );
});

/** Imports a folder: the model is tried, then the app asks; `use` says yes (the default) or leaves it. */
async function importFolder(page: Page, dir: string, use = true) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('import-model-folder').setInputFiles(dir);
  if (!use) return;
  await expect(page.getByTestId('import-confirm')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('import-use').click();
}

async function classifiesWith(page: Page, modelText: string) {
  await page.getByRole('button', { name: 'Classify', exact: true }).click();
  await dropFile(page, join(FRAMES, 'scan-1.png'));
  const p = await readProbabilities(page);
  expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  await expect(page.getByTestId('result-meta')).toContainText(modelText);
}

test('an imported model folder is used, listed with its licence, and still active after a reload', async ({
  page,
}) => {
  await openApp(page);
  await importFolder(page, HOSPITAL);
  await expect(page.getByTestId('import-message')).toContainText('Imported Hospital test model v2.0.0');
  await expect(page.getByTestId('model-badge')).toContainText('Hospital test model');
  await expect(page.getByTestId('imported-hospital-test@2.0.0')).toContainText('Hospital internal use');
  await classifiesWith(page, 'hospital-test v2.0.0');
  await page.goto('/');
  await expect(page.getByTestId('model-badge')).toContainText('Hospital test model', { timeout: 90_000 });
  await classifiesWith(page, 'hospital-test v2.0.0');
});

test("an imported model's card is shown formatted, and its markup neither runs nor loads anything", async ({
  page,
}) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.hostname !== 'localhost') outside.push(r.url());
  });
  await openApp(page);
  await importFolder(page, HOSPITAL);
  await expect(page.getByTestId('import-message')).toContainText('Imported Hospital test model v2.0.0');
  const card = page.getByTestId('model-card');
  await card.getByText('About Hospital test model v2.0.0').click();
  const text = card.getByTestId('model-card-text');
  await expect(text.getByRole('heading', { name: 'Evaluation on ward 4' })).toBeVisible();
  const table = text.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'recall' })).toBeVisible();
  await expect(table.getByRole('row', { name: /B-lines\s+88\.5 %/ })).toBeVisible();
  await expect(text.getByRole('listitem')).toHaveText('Confirm every sign.');
  await expect(text.locator('strong')).toHaveText('ward 4 audit frames');
  // Pipe-table source is not left on screen as text.
  await expect(text).not.toContainText('| ---');
  await expect(text.locator('img, script')).toHaveCount(0);
  await expect(text).toContainText('[image: ward logo]');
  const link = text.getByRole('link', { name: 'run' });
  if ((await link.count()) > 0) expect(await link.getAttribute('href')).not.toMatch(/^javascript:/i);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'model-card-imported.png'), fullPage: true });
  expect(await page.evaluate(() => (window as { __cardRan?: boolean }).__cardRan)).toBeUndefined();
  expect(outside).toEqual([]);
});

test('a .zip of a model folder imports too', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('import-model-zip').setInputFiles(ZIP);
  await page.getByTestId('import-use').click();
  await expect(page.getByTestId('model-badge')).toContainText('Hospital test model');
});

test('an imported model is tried, then asks: the model in use stays until the user says "Use it now"', async ({
  page,
}) => {
  await openApp(page);
  await importFolder(page, HOSPITAL, false);
  const ask = page.getByTestId('import-confirm');
  await expect(ask).toContainText('Hospital test model v2.0.0 loaded and ran on this device');
  await expect(ask).toContainText('instead of Test model');
  // Tried, not switched: the model in use still answers.
  await expect(page.getByTestId('model-badge')).toContainText('Test model (answers mean nothing)');
  await expect(page.getByTestId('model-badge')).not.toContainText('Hospital');
  await page.getByTestId('import-keep').click();
  await expect(page.getByTestId('import-message')).toContainText('The model in use is unchanged');
  await expect(page.getByTestId('imported-hospital-test@2.0.0')).toBeVisible();
  await expect(page.getByTestId('model-badge')).not.toContainText('Hospital');
  await classifiesWith(page, 'fixture-tiny');
  // Its card has no figures for real scans: the summary says so instead of inventing any.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page
    .getByTestId('imported-hospital-test@2.0.0')
    .getByRole('button', { name: 'Use this model' })
    .click();
  await expect(page.getByTestId('model-badge')).toContainText('Hospital test model');
  await expect(page.getByTestId('summary-unmeasured')).toContainText('not known');
});

test('the test model is not offered to clinicians, only when a test asks for it', async ({ page }) => {
  // The default model would take 7–10 s to load here; the picker does not need it.
  await page.route('**/models/lus-resnet152/*.bin', (route) => route.abort());
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('model-lus-resnet152')).toBeVisible();
  await expect(page.getByTestId('model-fixture-tiny')).toHaveCount(0);
  await openApp(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('model-fixture-tiny')).toBeVisible();
  await expect(page.getByTestId('summary-test-model')).toBeVisible();
});

test('an incomplete model folder is refused with the missing file named, and the active model stays', async ({
  page,
}) => {
  await openApp(page);
  await importFolder(page, BROKEN, false);
  await expect(page.getByTestId('import-message')).toContainText('Missing model file group1-shard1of1.bin');
  await expect(page.getByTestId('model-badge')).toContainText('Test model');
  await classifiesWith(page, 'fixture-tiny');
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });
  test('an imported model survives a reload while offline and classifies', async ({ page, context }) => {
    await openApp(page);
    await expect(page.getByTestId('offline-status')).toContainText('Ready offline', { timeout: 90_000 });
    await importFolder(page, HOSPITAL);
    await expect(page.getByTestId('import-message')).toContainText('Imported Hospital test model v2.0.0');
    // The badge is about the model in use now: the imported one, stored on the device.
    await expect(page.getByTestId('offline-status')).toContainText('Ready offline', { timeout: 30_000 });
    await context.setOffline(true);
    await page.goto('/');
    await expect(page.getByTestId('model-badge')).toContainText('Hospital test model', { timeout: 90_000 });
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('offline-status')).toContainText(/model \d+(\.\d)? KB/);
    await classifiesWith(page, 'hospital-test v2.0.0');
    await context.setOffline(false);
  });
});
