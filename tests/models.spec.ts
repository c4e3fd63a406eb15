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

function hospitalModelJson(): string {
  const json = JSON.parse(readFileSync(join(FIXTURE, 'model.json'), 'utf8')) as {
    userDefinedMetadata: { lusSigns: Record<string, unknown> };
  };
  Object.assign(json.userDefinedMetadata.lusSigns, {
    id: 'hospital-test',
    version: '2.0.0',
    displayName: 'Hospital test model',
    provenance: {
      trainedOn: 'Ward 4 audit frames',
      licence: 'Hospital internal use',
      createdAt: '2026-11-27',
    },
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

async function importFolder(page: Page, dir: string) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('import-model-folder').setInputFiles(dir);
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

test('a .zip of a model folder imports too', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('import-model-zip').setInputFiles(ZIP);
  await expect(page.getByTestId('model-badge')).toContainText('Hospital test model');
});

test('an incomplete model folder is refused with the missing file named, and the active model stays', async ({
  page,
}) => {
  await openApp(page);
  await importFolder(page, BROKEN);
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
    await context.setOffline(true);
    await page.goto('/');
    await expect(page.getByTestId('model-badge')).toContainText('Hospital test model', { timeout: 90_000 });
    await classifiesWith(page, 'hospital-test v2.0.0');
    await context.setOffline(false);
  });
});
