// `npm run bench:adapt`: what re-fitting the head on a new site's labelled clips gains, by the number of labelled clips per sign, and the seconds to adapt.
//
// The development clips' held-out site (training/splits/cv-folds.json: the 35 Northumbria clips) plays the new
// site. For each number n of labelled clips per sign, repeated draws: n clips per sign are the site's labelled
// cases, the site head is fitted on their frames (the app's own code: src/core/adapt), and the site's other clips
// are read before and after (a clip's read-out = mean probability over its frames). Prints a Markdown table of
// the gain in clip accuracy, mean ± sd over the draws, then the seconds to adapt (5-fold measurement plus the
// final fit) on 100 and 1,000 cases of the model's feature size, here on one core.
//
// Honest only with a base model that never saw the site: pass --model with the held-out-site model of the
// cross-validation (training/cv_all.sh, split `site`, exported with training/export_default.py). The default model
// trained on every clip, the site's included, so its figures are printed with that warning.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ADAPTATION_DEFAULTS,
  adaptToSite,
  fitHead,
  headProbabilities,
  signSupport,
  type AdaptationCase,
  type ClassifierHead,
} from '../../src/core/adapt';
import {
  CLASS_IDS,
  CLASS_NAMES,
  isClassId,
  metadataFromModelJson,
  seededRandom,
  type ClassId,
} from '../../src/core';
import { readClassifierHead, type GraphModelFiles } from '../../src/inference/siteHeadWeights';
import {
  bundledModelDir,
  decodeImageBuffer,
  modelFilesSource,
  readModelFolderFiles,
  startInferenceThread,
} from '../../node';

const repo = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: join(repo, '..', 'shared', 'data', 'pocus-lus') },
    draws: { type: 'string', default: '20' },
    per: { type: 'string', default: '2,4,6' },
    strength: { type: 'string', default: String(ADAPTATION_DEFAULTS.strength) },
  },
});
const modelDir = resolve(values.model ?? bundledModelDir());
const dataDir = resolve(values.data);
const strength = Number(values.strength);
const draws = Number(values.draws);
const perSignCounts = values.per.split(',').map(Number);

interface Split {
  folds: Array<{ clips: string[] }>;
  heldOutSite: { name: string; clips: string[] };
}
const split = JSON.parse(readFileSync(join(repo, 'training', 'splits', 'cv-folds.json'), 'utf8')) as Split;
const siteClips = new Set(split.heldOutSite.clips);

/** Pooled features of every shared frame of the site's clips, cached per model version. */
async function siteFeatures(files: GraphModelFiles, tag: string): Promise<AdaptationCase[]> {
  const cacheDir = join(repo, '.cache', 'bench-adapt');
  const cache = join(cacheDir, `${createHash('sha1').update(tag).digest('hex').slice(0, 12)}.json`);
  if (existsSync(cache)) {
    const rows = JSON.parse(readFileSync(cache, 'utf8')) as Array<
      Omit<AdaptationCase, 'features'> & { features: number[] }
    >;
    return rows.map((r) => ({ ...r, features: Float32Array.from(r.features) }));
  }
  const frames: Array<{ path: string; clip: string; label: ClassId }> = [];
  for (const sign of CLASS_IDS) {
    const dir = join(dataDir, sign);
    for (const name of readdirSync(dir).sort()) {
      const clip = name.replace(/_f\d+\.\w+$/, '');
      if (siteClips.has(clip)) frames.push({ path: join(dir, name), clip, label: sign });
    }
  }
  const thread = startInferenceThread();
  const cases: AdaptationCase[] = [];
  try {
    await thread.call(thread.api.load(modelFilesSource(modelDir, files), 'wasm'));
    for (let i = 0; i < frames.length; i += 4) {
      const chunk = frames.slice(i, i + 4);
      const pixels = await Promise.all(
        chunk.map(async (f) => (await decodeImageBuffer(readFileSync(f.path))).image),
      );
      const outcomes = await thread.call(
        thread.api.classify(
          pixels.map((p, k) => ({ pixels: p, name: chunk[k]!.path })),
          { explain: false, pooledFeatures: true },
        ),
      );
      outcomes.forEach((o, k) => {
        const f = chunk[k]!;
        // Gate-refused frames are left out, as the app's adaptation leaves them out.
        if (o.ok && o.result.gate?.pass !== false && o.result.pooledFeatures)
          cases.push({
            caseId: f.path,
            group: f.clip,
            unit: f.clip,
            label: f.label,
            features: Float32Array.from(o.result.pooledFeatures),
          });
      });
      process.stderr.write(`features ${Math.min(i + 4, frames.length)}/${frames.length}\n`);
    }
  } finally {
    await thread.close();
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cache, JSON.stringify(cases.map((c) => ({ ...c, features: Array.from(c.features) }))));
  return cases;
}

function clipAccuracy(head: ClassifierHead, cases: AdaptationCase[]): number {
  const clips = new Map<string, { label: ClassId; sum: Float64Array; n: number }>();
  for (const c of cases) {
    const p = headProbabilities(head, c.features);
    const clip = clips.get(c.unit!) ?? { label: c.label, sum: new Float64Array(CLASS_IDS.length), n: 0 };
    p.forEach((v, k) => (clip.sum[k]! += v));
    clip.n++;
    clips.set(c.unit!, clip);
  }
  let right = 0;
  for (const clip of clips.values()) {
    let best = 0;
    clip.sum.forEach((v, k) => (best = v > clip.sum[best]! ? k : best));
    if (CLASS_IDS[best] === clip.label) right++;
  }
  return right / clips.size;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) =>
  Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const f1 = (x: number) => (100 * x).toFixed(1);

async function main() {
  const files = await readModelFolderFiles(modelDir);
  const checked = metadataFromModelJson(files.modelJson);
  if (!checked.ok) throw new Error(checked.message);
  const meta = checked.metadata;
  const shipped = readClassifierHead(files);
  const cases = await siteFeatures(
    files,
    `${modelDir}|${meta.id}@${meta.version}|${split.heldOutSite.clips.join(',')}`,
  );
  const clipsBySign = new Map<ClassId, string[]>();
  for (const c of cases)
    if (isClassId(c.label)) {
      const list = clipsBySign.get(c.label) ?? [];
      if (!list.includes(c.unit!)) list.push(c.unit!);
      clipsBySign.set(c.label, list);
    }
  const trained = String((meta.provenance as { trainedOn?: string }).trainedOn ?? '');
  console.log(
    `# Site adaptation on the held-out site (${split.heldOutSite.name}, ${new Set(cases.map((c) => c.unit)).size} clips, ${cases.length} frames)`,
  );
  console.log('');
  console.log(
    `Base model ${meta.id} ${meta.version} (${trained}); pull towards the shipped head ${strength}; ${draws} draws per row.`,
  );
  // The exporter names the clips a model learned from ("from 48 public clips"): all the development clips but
  // the site's means the site was held out.
  const developmentClips = split.folds.reduce((n, f) => n + f.clips.length, 0);
  const learnedFrom = /from (\d+) public clips/i.exec(trained);
  const siteHeldOut =
    /site held out|without the held-out site|split site/i.test(trained) ||
    (learnedFrom !== null && Number(learnedFrom[1]) === developmentClips - split.heldOutSite.clips.length);
  if (!siteHeldOut)
    console.log(
      '\n**Warning**: this base model may have been trained on the site\u2019s own clips, so its "before" is optimistic and the gain understated. Pass --model with the held-out-site model.',
    );
  console.log('');
  console.log(
    `Clips per sign at the site: ${CLASS_IDS.map((id) => `${CLASS_NAMES[id]} ${clipsBySign.get(id)?.length ?? 0}`).join(', ')}.`,
  );
  console.log('');
  console.log(
    '| labelled clips per sign | signs learned | clips scored | clip accuracy, shipped head | clip accuracy, site head | gain (points) | draws better |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const n of perSignCounts) {
    const before: number[] = [];
    const after: number[] = [];
    let learnedText = '';
    let scored = 0;
    const random = seededRandom(1000 + n);
    for (let d = 0; d < draws; d++) {
      const labelled = new Set<string>();
      for (const [, clips] of clipsBySign) {
        // Leave at least one clip of each sign to score.
        const shuffled = [...clips].sort(() => random() - 0.5);
        shuffled.slice(0, Math.min(n, clips.length - 1)).forEach((c) => labelled.add(c));
      }
      const fitOn = cases.filter((c) => labelled.has(c.unit!));
      const rest = cases.filter((c) => !labelled.has(c.unit!));
      const support = signSupport(fitOn);
      const frozen = CLASS_IDS.flatMap((id, k) => (support[id].learned ? [] : [k]));
      learnedText =
        CLASS_IDS.filter((id) => support[id].learned)
          .map((id) => CLASS_NAMES[id])
          .join(', ') || 'none';
      const head =
        frozen.length < CLASS_IDS.length
          ? fitHead(
              fitOn.map((c) => c.features),
              fitOn.map((c) => CLASS_IDS.indexOf(c.label)),
              shipped,
              { strength, frozen },
            ).head
          : shipped;
      before.push(clipAccuracy(shipped, rest));
      after.push(clipAccuracy(head, rest));
      scored = new Set(rest.map((c) => c.unit)).size;
    }
    const gains = after.map((a, i) => a - before[i]!);
    console.log(
      `| ${n} | ${learnedText} | ${scored} | ${f1(mean(before))} ± ${f1(sd(before))} | ${f1(mean(after))} ± ${f1(sd(after))} | ${f1(mean(gains))} ± ${f1(sd(gains))} | ${gains.filter((g) => g > 0).length} of ${draws} |`,
    );
  }

  // Seconds to adapt: the app's whole adaptation (5 grouped folds and the final fit) on cases of this model's
  // feature size, drawn from the site's own features so the fit behaves as it would.
  console.log('');
  console.log('| cases | exams | seconds to adapt (5 folds + final fit, one core) |');
  console.log('| ---: | ---: | ---: |');
  const random = seededRandom(7);
  for (const count of [100, 1000]) {
    const drawn: AdaptationCase[] = Array.from({ length: count }, (_, i) => {
      const c = cases[Math.floor(random() * cases.length)]!;
      return { ...c, caseId: `c${i}`, group: `exam${i % Math.max(10, count / 10)}`, unit: `c${i}` };
    });
    const t0 = performance.now();
    adaptToSite(drawn, shipped, { strength });
    console.log(
      `| ${count} | ${Math.max(10, count / 10)} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`bench:adapt: ${(error as Error).message}`);
  process.exit(1);
});
