// Shared steps for browser specs: open the app with a model and backend, drop a file, read the result.

import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export async function openApp(page: Page, options: { model?: string; backend?: string } = {}): Promise<void> {
  const params = new URLSearchParams();
  params.set('model', options.model ?? 'fixture-tiny');
  if (options.backend) params.set('backend', options.backend);
  await page.goto(`/?${params.toString()}`);
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
}

/** Drops a file onto the page the way a user drags one from the desktop. */
export async function dropFile(page: Page, path: string, mime = 'image/png'): Promise<void> {
  const bytes = Array.from(readFileSync(path));
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name, mime }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
      return dt;
    },
    { bytes, name: basename(path), mime },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('body', type, { dataTransfer });
  }
}

export async function readProbabilities(page: Page): Promise<Record<string, number>> {
  await expect(page.getByTestId('result')).toBeVisible();
  const out: Record<string, number> = {};
  for (const id of ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation']) {
    out[id] = Number(await page.getByTestId(`prob-${id}`).getAttribute('data-value'));
  }
  return out;
}
