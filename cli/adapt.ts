// `lus-signs adapt <labelled folder>`: fits a site head on a folder's labelled frames, measures it by grouped cross-validation, writes an adapted model folder.
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ADAPTATION_DEFAULTS,
  adaptToSite,
  headBody,
  headSummary,
  writeSiteHead,
  readSiteHead,
  type AdaptationCase,
  type SiteAdaptation,
} from '../src/core/adapt/index.ts';
import {
  CLASS_IDS,
  CLASS_NAMES,
  metadataFromModelJson,
  metricsText,
  type ClassId,
} from '../src/core/index.ts';
import {
  foldSiteHead,
  readClassifierHead,
  weightsHash,
  type GraphModelFiles,
} from '../src/inference/siteHeadWeights.ts';
import {
  bundledModelDir,
  modelFilesSource,
  readModelFolderFiles,
  startInferenceThread,
} from '../node/index.ts';
import { skipReason, splitFolderPath } from '../src/sources/folderLabels.ts';
import { labelOf, walk } from './folderWalk.ts';
import { readChunk, type ScoreFile } from './readFrames.ts';

export const ADAPT_USAGE = `usage: lus-signs adapt <labelled folder> --out DIR [--model DIR] [--site NAME] [--group clip|folder] [--head-number N] [--strength X] [--workers N] [--force]

  <labelled folder>  frames below folders named after a sign (a_lines, B-lines, PE, LC, …) are the site's labelled cases
  --out DIR          where the adapted model folder is written (model.json, shards, site-head.json); must not exist or be empty
  --model DIR        the base model folder (default: the app's default bundled model)
  --site NAME        the site or department, written into the model's name (no patient data)
  --group clip|folder
                     what must never be split between fitting and scoring: clip (frames named <clip>_f<N>, the
                     default) or folder (the folder holding the frame, one folder per exam)
  --head-number N    the adapted version is <base version>+site<N> (default 1)
  --strength X       pull towards the shipped head (default ${ADAPTATION_DEFAULTS.strength})
  --workers N        worker threads (default 2)
  --force            write the model folder even when the held-out folds show no gain

Figures count clips: a clip's read-out is the mean probability over its frames, as in the app.
exit status: 0 written, 1 could not adapt (bad model, too few cases, no gain without --force), 2 bad command line`;

export class AdaptUsageError extends Error {}
export class AdaptRunError extends Error {}

const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `Cov_clip_f0012.jpg` → `Cov_clip`: the frames of one clip share the name before their frame number. */
export function clipOfFile(path: string): string {
  const { folders, fileName } = splitFolderPath(path);
  const stem = basename(fileName, extname(fileName));
  const clip = stem.replace(/[_-](?:f|frame)?\d+$/i, '');
  return [...folders, clip || stem].join('/');
}

/** Pooled features of every labelled frame the gate lets through, from the base model (worker threads, WASM). */
async function labelledFeatures(
  folder: string,
  files: GraphModelFiles,
  workers: number,
  group: 'clip' | 'folder',
): Promise<{ cases: AdaptationCase[]; refused: number; unreadable: number; unlabelled: number }> {
  const rootName = folder.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const listed = await walk(folder, []);
  const todo: Array<ScoreFile & { label: ClassId }> = [];
  let unlabelled = 0;
  for (const f of listed) {
    const { fileName } = splitFolderPath(f.path);
    if (skipReason(fileName, f.size)) continue;
    const { label } = labelOf(rootName, f.path);
    if (!label) unlabelled++;
    else todo.push({ file: f.file, path: f.path, label });
  }
  if (todo.length === 0)
    throw new AdaptRunError(
      `no labelled frames in ${folder}: put them in folders named a_lines, b_lines, pleural_effusion, consolidation`,
    );
  const source = modelFilesSource(folder, files);
  const chunks: Array<typeof todo> = [];
  for (let i = 0; i < todo.length; i += 4) chunks.push(todo.slice(i, i + 4));
  let next = 0;
  let done = 0;
  let refused = 0;
  let unreadable = 0;
  const cases: AdaptationCase[] = [];
  const lane = async () => {
    const thread = startInferenceThread();
    try {
      await thread.call(thread.api.load(source, 'wasm'));
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        const read = await readChunk(chunk);
        const frames = read.flatMap((r) => (r.ok ? [r.frame] : []));
        unreadable += read.length - frames.length;
        const outcomes = frames.length
          ? await thread.call(thread.api.classify(frames, { explain: false, pooledFeatures: true }))
          : [];
        let k = 0;
        for (const r of read) {
          if (!r.ok) continue;
          const outcome = outcomes[k++];
          const item = chunk.find((c) => c.path === r.path)!;
          if (!outcome?.ok) unreadable++;
          else if (outcome.result.gate?.pass === false) refused++;
          else if (!outcome.result.pooledFeatures)
            throw new AdaptRunError('the model gives no pooled features');
          else {
            const clip = clipOfFile(r.path);
            cases.push({
              caseId: r.path,
              group: group === 'clip' ? clip : dirname(r.path),
              unit: clip,
              label: item.label,
              features: Float32Array.from(outcome.result.pooledFeatures),
            });
          }
        }
        done += chunk.length;
        process.stderr.write(`features ${done}/${todo.length}\n`);
      }
    } finally {
      await thread.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, chunks.length)) }, lane));
  // Workers finish in any order: sort so the folds (and so the figures) never depend on timing.
  cases.sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  return { cases, refused, unreadable, unlabelled };
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);

export function adaptationText(result: SiteAdaptation, model: string): string {
  const lines: string[] = [];
  lines.push('Cases per sign (clips in brackets are exams/clips never split):');
  for (const id of CLASS_IDS) {
    const s = result.perSign[id];
    lines.push(
      `  ${CLASS_NAMES[id].padEnd(20)} ${String(s.cases).padStart(5)} (${s.groups})  ${s.learned ? 'learned' : 'kept as shipped: too few cases'}`,
    );
  }
  lines.push('');
  lines.push(`Held-out folds (${result.folds}), shipped head:`);
  lines.push(metricsText(result.before, model, 'cases'));
  lines.push('');
  lines.push(`Held-out folds (${result.folds}), site head:`);
  lines.push(metricsText(result.after, `${model} + site head`, 'cases'));
  lines.push('');
  const g = result.gain;
  lines.push(
    `Accuracy ${pct(result.before.total.accuracy)} → ${pct(result.after.total.accuracy)}; kappa ${result.before.total.kappa?.toFixed(3) ?? '–'} → ${result.after.total.kappa?.toFixed(3) ?? '–'}; per fold ${(100 * g.meanFold).toFixed(1)} ± ${(100 * g.sdFold).toFixed(1)} points, ${g.foldsImproved} of ${result.folds} folds better; ${result.seconds.toFixed(1)} s to fit.`,
  );
  lines.push(result.verdict.reason);
  return lines.join('\n');
}

export async function adapt(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      model: { type: 'string' },
      site: { type: 'string', default: '' },
      group: { type: 'string', default: 'clip' },
      'head-number': { type: 'string', default: '1' },
      strength: { type: 'string' },
      workers: { type: 'string', default: '2' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(ADAPT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new AdaptUsageError('adapt needs exactly one labelled folder');
  if (!values.out) throw new AdaptUsageError('adapt needs --out DIR for the adapted model folder');
  const group = values.group;
  if (group !== 'clip' && group !== 'folder') throw new AdaptUsageError('--group must be clip or folder');
  const headNumber = Number(values['head-number']);
  if (!Number.isInteger(headNumber) || headNumber < 1)
    throw new AdaptUsageError('--head-number must be 1 or more');
  const strength = values.strength === undefined ? ADAPTATION_DEFAULTS.strength : Number(values.strength);
  if (!(strength > 0)) throw new AdaptUsageError('--strength must be a positive number');
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new AdaptUsageError('--workers must be a whole number');
  const folder = resolve(positionals[0]!);
  if (!(await stat(folder).catch(() => null))?.isDirectory())
    throw new AdaptUsageError(`${folder} is not a folder`);
  const out = resolve(values.out);
  const existing = await stat(out).catch(() => null);
  if (existing) {
    const { readdir } = await import('node:fs/promises');
    if (!existing.isDirectory() || (await readdir(out)).length > 0)
      throw new AdaptUsageError(
        `${out} exists and is not an empty folder: the adapted model needs a folder of its own`,
      );
  }

  const modelDir = resolve(values.model ?? bundledModelDir());
  let base: GraphModelFiles;
  try {
    base = await readModelFolderFiles(modelDir);
  } catch (error) {
    throw new AdaptRunError(`the base model cannot be used: ${(error as Error).message}`);
  }
  const checked = metadataFromModelJson(base.modelJson);
  if (!checked.ok) throw new AdaptRunError(`${modelDir}: ${checked.message}`);
  const meta = checked.metadata;
  if (meta.siteHead !== undefined)
    throw new AdaptRunError(
      `${meta.id} ${meta.version} is already an adapted model: adapt its base model instead`,
    );
  let shipped;
  try {
    shipped = readClassifierHead(base);
  } catch (error) {
    throw new AdaptRunError((error as Error).message);
  }
  process.stderr.write(`lus-signs adapt: ${meta.id} ${meta.version} on ${folder}\n`);
  const found = await labelledFeatures(folder, base, workers, group);
  process.stderr.write(
    `lus-signs adapt: ${found.cases.length} labelled frames read (${found.refused} refused by the input gate, ${found.unreadable} unreadable, ${found.unlabelled} unlabelled left out)\n`,
  );
  let result: SiteAdaptation;
  try {
    result = adaptToSite(found.cases, shipped, { strength });
  } catch (error) {
    throw new AdaptRunError((error as Error).message);
  }
  console.log(adaptationText(result, `${meta.id}@${meta.version}`));
  if (!result.verdict.offer && !values.force) {
    throw new AdaptRunError('no adapted model written (pass --force to write it anyway)');
  }
  const baseId = { id: meta.id, version: meta.version, weightsHash: await weightsHash(base) };
  const summary = headSummary(result, new Date().toISOString());
  const headText = await writeSiteHead(
    headBody(result.head, baseId, headNumber, values.site, summary),
    sha256,
  );
  const file = await readSiteHead(headText, sha256, { ...baseId, features: shipped.features });
  const adapted = foldSiteHead(base, file);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'model.json'), JSON.stringify(adapted.modelJson));
  for (const [name, bytes] of Object.entries(adapted.shards))
    await writeFile(join(out, name), new Uint8Array(bytes));
  await writeFile(join(out, 'site-head.json'), headText);
  console.log(
    `wrote ${out}: ${meta.id} ${file.base.version}+site${headNumber} (model folder and site-head.json)`,
  );
  return 0;
}
