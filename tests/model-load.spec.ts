// A model that fails to load names the file at fault, and the model already in use keeps working.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile, openApp, readProbabilities } from './helpers/app';

/** Adds a second bundled model to the list, whose files the test then breaks in a chosen way. */
async function offerBrokenModel(page: Page) {
  await page.route('**/models/index.json', async (route) => {
    const response = await route.fetch();
    const registry = (await response.json()) as {
      default: string;
      models: Array<{ id: string; path: string }>;
    };
    registry.models.push({ id: 'hospital-model', path: 'hospital-model/model.json' });
    await route.fulfill({ response, json: registry });
  });
}

async function copyFixtureAs(
  page: Page,
  mutate: (json: Record<string, unknown>) => Record<string, unknown> | string,
) {
  await page.route('**/models/hospital-model/model.json', async (route) => {
    const response = await route.fetch({
      url: route.request().url().replace('hospital-model', 'fixture-tiny'),
    });
    const changed = mutate((await response.json()) as Record<string, unknown>);
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: typeof changed === 'string' ? changed : JSON.stringify(changed),
    });
  });
}

async function tryModel(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('model-hospital-model').getByRole('button', { name: 'Use this model' }).click();
}

async function stillClassifiesWithFixture(page: Page) {
  await expect(page.getByTestId('backend')).toBeVisible();
  await expect(page.getByTestId('model-badge')).toContainText('Test model');
  await page.getByRole('button', { name: 'Classify' }).click();
  await dropFile(page, join(FRAMES, 'scan-1.png'));
  const p = await readProbabilities(page);
  expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  await expect(page.getByTestId('result-meta')).toContainText('fixture-tiny');
}

test('a missing weights shard is named and the working model stays', async ({ page }) => {
  await offerBrokenModel(page);
  await copyFixtureAs(page, (json) => json);
  await page.route('**/models/hospital-model/group1-shard1of1.bin', (route) =>
    route.fulfill({ status: 404, body: '' }),
  );
  await openApp(page);
  await tryModel(page);
  await expect(page.getByTestId('model-error')).toContainText(
    'Missing model file group1-shard1of1.bin (HTTP 404)',
  );
  await expect(page.getByTestId('model-error')).toContainText('previous model is still in use');
  await stillClassifiesWithFixture(page);
});

test('model.json that is not JSON is named', async ({ page }) => {
  await offerBrokenModel(page);
  await copyFixtureAs(page, () => '{ "format": "graph-model", ');
  await openApp(page);
  await tryModel(page);
  await expect(page.getByTestId('model-error')).toContainText('model.json is not valid JSON');
  await stillClassifiesWithFixture(page);
});

test('a model that breaks the metadata contract is refused with the field named', async ({ page }) => {
  await offerBrokenModel(page);
  await copyFixtureAs(page, (json) => {
    const udm = json.userDefinedMetadata as { lusSigns: { input: { height: number } } };
    udm.lusSigns.input.height = 5;
    return json;
  });
  await openApp(page);
  await tryModel(page);
  await expect(page.getByTestId('model-error')).toContainText('input.height');
  await stillClassifiesWithFixture(page);
});

test('a truncated weights file is refused as incomplete', async ({ page }) => {
  await offerBrokenModel(page);
  await copyFixtureAs(page, (json) => json);
  await page.route('**/models/hospital-model/group1-shard1of1.bin', async (route) => {
    const response = await route.fetch({
      url: route.request().url().replace('hospital-model', 'fixture-tiny'),
    });
    const body = await response.body();
    await route.fulfill({ status: 200, body: body.subarray(0, 1000) });
  });
  await openApp(page);
  await tryModel(page);
  await expect(page.getByTestId('model-error')).toContainText('incomplete or damaged');
  await stillClassifiesWithFixture(page);
});
