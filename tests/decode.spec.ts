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
    // Bytes in and pixels out as base64: a frame's million pixel values as a JSON array take seconds to
    // serialise, minutes on a busy machine, and this test is about the pixels, not the transport.
    const browser = await page.evaluate(
      async ({ base64, name }) => {
        const api = (window as unknown as { lusDecode: typeof import('../src/sources/decodeBrowser') })
          .lusDecode;
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const decoded = await api.decodeImageBlob(new Blob([bytes]), name);
        const data = new Uint8Array(
          decoded.image.data.buffer,
          decoded.image.data.byteOffset,
          decoded.image.data.byteLength,
        );
        let binary = '';
        for (let i = 0; i < data.length; i += 0x8000) {
          binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
        }
        return { width: decoded.image.width, height: decoded.image.height, base64: btoa(binary) };
      },
      { base64: file.bytes.toString('base64'), name: file.name },
    );
    const browserData = new Uint8Array(Buffer.from(browser.base64, 'base64'));
    const node = await decodeImageBuffer(file.bytes, file.name);
    expect([browser.width, browser.height]).toEqual([node.image.width, node.image.height]);
    expect(browserData.length).toBe(node.image.data.length);
    let maxDiff = 0;
    let total = 0;
    for (let i = 0; i < browserData.length; i++) {
      const d = Math.abs(browserData[i]! - node.image.data[i]!);
      maxDiff = Math.max(maxDiff, d);
      total += d;
    }
    const meanDiff = total / browserData.length;
    if (file.exact) expect(maxDiff, file.name).toBe(0);
    else {
      expect(maxDiff, `${file.name} max`).toBeLessThanOrEqual(2);
      expect(meanDiff, `${file.name} mean`).toBeLessThan(0.5);
    }
  }
});
