// The browser decoder (createImageBitmap) and the Node decoder (sharp) give the same pixels for the same files.
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImageBuffer } from '../node';
import { FRAMES } from './helpers/fixtures';

test.use({ bypassCSP: true });

const REAL = join(import.meta.dirname, '..', '..', 'shared', 'data', 'pocus-lus', 'b_lines');

async function browserDecoderSource(): Promise<string> {
  // The app's own module, bundled for the page, so the test exercises the shipped code path.
  const out = await build({
    entryPoints: [join(import.meta.dirname, '..', 'src', 'sources', 'decodeBrowser.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'lusDecode',
    write: false,
    platform: 'browser',
  });
  return out.outputFiles[0]!.text;
}

test('browser and Node decoders agree on PNG (exactly) and JPEG (within 2 grey levels)', async ({ page }) => {
  const scan = readFileSync(join(FRAMES, 'scan-1.png'));
  const colour = await sharp(scan).tint({ r: 255, g: 200, b: 150 }).png().toBuffer();
  const jpeg = await sharp(scan).jpeg({ quality: 80 }).toBuffer();
  const files: Array<{ name: string; bytes: Buffer; exact: boolean }> = [
    { name: 'grey.png', bytes: scan, exact: true },
    { name: 'colour.png', bytes: colour, exact: true },
    { name: 'made.jpg', bytes: jpeg, exact: false },
  ];
  expect(existsSync(REAL), `real frames expected at ${REAL}`).toBe(true);
  const real = readdirSync(REAL).find((f) => f.endsWith('.jpg'))!;
  files.push({ name: real, bytes: readFileSync(join(REAL, real)), exact: false });

  await page.goto('/?model=fixture-tiny');
  await page.addScriptTag({ content: await browserDecoderSource() });
  for (const file of files) {
    const browser = await page.evaluate(
      async ({ bytes, name }) => {
        const api = (window as unknown as { lusDecode: typeof import('../src/sources/decodeBrowser') })
          .lusDecode;
        const decoded = await api.decodeImageBlob(new Blob([new Uint8Array(bytes)]), name);
        return {
          width: decoded.image.width,
          height: decoded.image.height,
          data: Array.from(decoded.image.data),
        };
      },
      { bytes: Array.from(file.bytes), name: file.name },
    );
    const node = await decodeImageBuffer(file.bytes, file.name);
    expect([browser.width, browser.height]).toEqual([node.image.width, node.image.height]);
    let maxDiff = 0;
    let total = 0;
    for (let i = 0; i < browser.data.length; i++) {
      const d = Math.abs(browser.data[i]! - node.image.data[i]!);
      maxDiff = Math.max(maxDiff, d);
      total += d;
    }
    const meanDiff = total / browser.data.length;
    if (file.exact) expect(maxDiff, file.name).toBe(0);
    else {
      expect(maxDiff, `${file.name} max`).toBeLessThanOrEqual(2);
      expect(meanDiff, `${file.name} mean`).toBeLessThan(0.5);
    }
  }
});
