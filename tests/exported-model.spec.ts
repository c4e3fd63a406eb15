// A ResNet exported by training/export_tfjs.py runs in the browser on WebGPU, WebGL and WASM within 1e-3 of PyTorch.
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PARITY = join(import.meta.dirname, '.generated', 'parity');
const WASM_DIR = join(import.meta.dirname, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

interface SmallGolden {
  model: string;
  classes: string[];
  inputs: number[][];
  expected: number[][];
  tolerance: number;
}

// The harness injects a script; the app's CSP rightly forbids that, so this spec bypasses it.
test.use({ bypassCSP: true });
// Each net on each backend is a test of its own: the software GPUs take a minute or more per net, and as
// separate tests they spread over the workers instead of queueing in one.
test.describe.configure({ mode: 'parallel' });

// A dilated ResNet with one bottleneck a stage and two in the last (resnet17) has every kind of layer the
// default model has (bottlenecks, a dilated 3×3 convolution, strided downsampling, pooling, the dense head),
// so it is the net that proves each GPU backend: on a software GPU every layer costs seconds to compile and
// run. (One bottleneck in the last stage has no dilated convolution at all: torchvision keeps a stage's
// first block undilated.) The full-depth dilated ResNet50 and ResNet18 (the basic block, a bigger batch)
// are checked on WASM, where depth is cheap.
const CASES = [
  { file: 'small-browser.json', title: 'the exported 64×64 ResNet18', backend: 'wasm', dilated: false },
  {
    file: 'dilated-browser.json',
    title: 'the exported 64×64 ResNet50 with its last stage dilated',
    backend: 'wasm',
    dilated: true,
  },
  ...['webgpu', 'webgl'].map((backend) => ({
    file: 'gpu-browser.json',
    title:
      'the exported 64×64 resnet17 (one bottleneck a stage, two in the last) with its last stage dilated',
    backend,
    dilated: true,
  })),
];

for (const { file, title, backend, dilated } of CASES) {
  // Only the GPU backends need the software GPU (project `gpu`).
  const tag = backend === 'wasm' ? [] : ['@gpu'];
  test(`${title} matches PyTorch on ${backend}`, { tag }, async ({ page }) => {
    // Software GPUs (SwiftShader) compile and run a ResNet slowly; WASM takes seconds.
    test.setTimeout(backend === 'wasm' ? 120_000 : 360_000);
    const goldenPath = join(PARITY, file);
    expect(existsSync(goldenPath), 'parity goldens missing: run `npm run parity:goldens`').toBe(true);
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as SmallGolden;
    const expected = golden.expected;
    const modelDir = join(PARITY, golden.model, '..');
    // A dilated net must hold a dilated convolution, or the backend never ran the kernel it is here to prove.
    const nodes = (
      JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
        modelTopology: { node: Array<{ op: string; attr?: { dilations?: { list: { i: string[] } } } }> };
      }
    ).modelTopology.node;
    const dilatedConvs = nodes.filter((n) => n.attr?.dilations?.list.i.some((d) => Number(d) > 1)).length;
    expect(dilatedConvs > 0, `${golden.model}: dilated convolutions`).toBe(dilated);
    await page.route('**/parity-model/**', (route) => {
      const asked = new URL(route.request().url()).pathname.split('/parity-model/')[1]!;
      return route.fulfill({
        body: readFileSync(join(modelDir, asked)),
        contentType: asked.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      });
    });
    await page.route('**/parity-wasm/**', (route) => {
      const asked = new URL(route.request().url()).pathname.split('/parity-wasm/')[1]!;
      return route.fulfill({ body: readFileSync(join(WASM_DIR, asked)), contentType: 'application/wasm' });
    });
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, 'harness', 'engineHarness.ts')],
      bundle: true,
      format: 'iife',
      write: false,
      platform: 'browser',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    await page.goto('/?model=fixture-tiny');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const result = await page.evaluate(
      async ({ backend, inputs }) => {
        type Run = (url: string, wasm: string, backend: string, inputs: number[][]) => Promise<unknown>;
        const h = (window as unknown as { lusHarness: { runExported: Run } }).lusHarness;
        return (await h.runExported(
          `${location.origin}/parity-model/model.json`,
          `${location.origin}/parity-wasm/`,
          backend,
          inputs,
        )) as {
          backend: string;
          probabilities: Array<Record<string, number>>;
        };
      },
      { backend, inputs: golden.inputs },
    );
    expect(result.backend).toBe(backend);
    result.probabilities.forEach((row, i) => {
      golden.classes.forEach((id, j) => {
        expect(Math.abs(row[id]! - expected[i]![j]!), `${backend} input ${i} ${id}`).toBeLessThan(1e-3);
      });
    });
  });
}
