// `lus-signs score <folder>`: scores every frame of a folder in Node with the app's model code; CSV out, metrics printed.
import { writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  batchCounts,
  batchCountsText,
  batchCsv,
  batchMetrics,
  batchStatus,
  reasonBesidePath,
  comparePaths,
  metadataFromModelJson,
  metricsText,
  type BatchRow,
  type BatchScore,
  type FrameResult,
} from '../src/core/index.ts';
import type { FrameOutcome } from '../src/inference/api.ts';
import { bundledModelDir, readGraphModelFolder, startInferenceThread } from '../node/index.ts';
import { skipReason, splitFolderPath } from '../src/sources/folderLabels.ts';
import { ADAPT_USAGE, AdaptRunError, AdaptUsageError, adapt } from './adapt.ts';
import { labelOf, skippedRow, walk, type FoundFile } from './folderWalk.ts';
import { explainPath, writeExplainPng } from './explainPng.ts';
import { readChunk, type ReadFrame, type ScoreFile } from './readFrames.ts';
import { inShard, parseShard, type Shard } from './shard.ts';

const USAGE = `usage: lus-signs score <folder> [--model DIR] [--out results.csv] [--batch N] [--shard i/n] [--workers 1|2] [--explain DIR] [--refused-probabilities]

  <folder>      scored recursively; folders named after a sign (a_lines, B-lines, PE, LC, …) label the frames below them
  --model DIR   a TF.js graph-model folder (model.json + shards); default: the app's default bundled model
  --out FILE    write the CSV there (then the summary and metrics go to stdout); default: CSV on stdout
  --batch N     frames per inference call (default 4, the engine's WASM batch size)
  --shard i/n   score only shard i of n (1-based); a file's shard is FNV-1a(path) mod n, so n shards cover the folder once
  --workers N   worker threads, each running single-threaded WASM (default 2)
  --explain DIR write each frame with its top sign's heat map as DIR/<path>.heat.png (refused frames:
                <path>.refused.heat.png); the CSV's gate and gate_reason columns say which frames were refused
  --refused-probabilities
                also write the (unreliable) probabilities of refused frames; never their predicted sign

statuses in the CSV: scored (read by the model), refused (not a lung-ultrasound frame the model was made for:
no sign), unreadable (could not be opened or decoded), skipped (not opened: not an image, hidden, too large)

exit status: 0 finished (unreadable files are listed in the CSV with the reason), 1 could not score (bad model,
no images, worker failure), 2 bad command line or missing folder`;

class UsageError extends Error {}
class RunError extends Error {}

/** The app's default bundled model, or a RunError that says to name one. */
function defaultModelDir(): string {
  try {
    return bundledModelDir();
  } catch (error) {
    throw new RunError(`${(error as Error).message}; pass --model DIR`, { cause: error });
  }
}

/** The parts of a frame's result a batch keeps: the same fields the app's batch screen stores. */
function batchScore(r: FrameResult): BatchScore {
  return {
    probabilities: r.probabilities,
    top: r.top,
    lowConfidence: r.lowConfidence,
    backend: r.backend,
    modelId: r.modelId,
    modelVersion: r.modelVersion,
    crop: r.crop,
    frameWidth: r.frameWidth,
    frameHeight: r.frameHeight,
    ...(r.gate ? { gate: { pass: r.gate.pass, reason: r.gate.reason, message: r.gate.message } } : {}),
  };
}

async function score(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      batch: { type: 'string' },
      shard: { type: 'string' },
      workers: { type: 'string' },
      explain: { type: 'string' },
      'refused-probabilities': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('score needs exactly one folder');
  const folder = resolve(positionals[0]!);
  const folderInfo = await stat(folder).catch(() => null);
  if (!folderInfo) throw new UsageError(`folder ${folder} does not exist`);
  if (!folderInfo.isDirectory()) throw new UsageError(`${folder} is not a folder`);
  const batch = values.batch === undefined ? 4 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 64)
    throw new UsageError('--batch must be a whole number from 1 to 64');
  const workerCount = values.workers === undefined ? 2 : Number(values.workers);
  if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > Math.max(2, availableParallelism()))
    throw new UsageError('--workers must be 1 or 2 (or up to the number of cores)');
  let shard: Shard | null = null;
  if (values.shard !== undefined) {
    try {
      shard = parseShard(values.shard);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }

  const explainDir = values.explain === undefined ? undefined : resolve(values.explain);
  // The model is checked here, once, so a broken folder gives one clear message instead of one per worker.
  const modelDir = resolve(values.model ?? defaultModelDir());
  let modelJsonText: string;
  const shards: Record<string, ArrayBuffer> = {};
  try {
    const read = await readGraphModelFolder(modelDir);
    const checked = metadataFromModelJson(read.modelJson);
    if (!checked.ok) throw new Error(`${modelDir}: ${checked.message}`);
    modelJsonText = await readFile(join(modelDir, 'model.json'), 'utf8');
    for (const f of read.shardFiles) {
      const b = await readFile(join(modelDir, f));
      shards[f] = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }
  } catch (error) {
    throw new RunError(`the model cannot be used: ${(error as Error).message}`);
  }

  const rows: BatchRow[] = [];
  const rootName = folder.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const listed = await walk(folder, rows);
  // Skipped rows from the walk belong to shard 1 only, so concatenated shard CSVs list them once.
  if (shard && shard.index !== 1) rows.length = 0;
  const todo: FoundFile[] = [];
  for (const f of listed) {
    if (!inShard(f.path, shard)) continue;
    const { fileName } = splitFolderPath(f.path);
    const why = skipReason(fileName, f.size);
    if (why) rows.push({ ...skippedRow(f.path, why, f.size, f.lastModified), ...labelOf(rootName, f.path) });
    else todo.push(f);
  }
  const byPath = new Map(todo.map((f) => [f.path, f]));
  const shardText = shard ? ` (shard ${shard.index}/${shard.count})` : '';
  process.stderr.write(
    `lus-signs: ${todo.length} frames to score in ${folder}${shardText}, ${rows.length} files skipped\n`,
  );
  if (todo.length === 0 && rows.length === 0 && !shard) throw new RunError(`no files found in ${folder}`);

  // Timing starts when the first worker has its model: frames/s is the scoring rate, not start-up.
  let started = performance.now();
  let firstLoaded = false;
  let done = 0;
  let lastProgress = 0;
  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < 1000) return;
    lastProgress = now;
    const rate = done / Math.max((now - started) / 1000, 1e-3);
    const eta = (todo.length - done) / Math.max(rate, 1e-9);
    const text = `scored ${done}/${todo.length} (${rate.toFixed(1)} frames/s, ETA ${Math.ceil(eta)} s)`;
    process.stderr.write(process.stderr.isTTY ? `\r${text}   ` : `${text}\n`);
  };

  const chunks: ScoreFile[][] = [];
  for (let i = 0; i < todo.length; i += batch)
    chunks.push(todo.slice(i, i + batch).map(({ file, path }) => ({ file, path })));
  let nextChunk = 0;
  let modelName = '';
  let inferenceFailures = 0;
  const source = { kind: 'files', label: modelDir, modelJson: modelJsonText, shards } as const;

  /** One file's row from what reading and the model made of it. */
  const addRow = (read: ReadFrame, outcome: FrameOutcome | undefined) => {
    const f = byPath.get(read.path)!;
    const base = {
      path: read.path,
      size: f.size,
      lastModified: f.lastModified,
      ...labelOf(rootName, read.path),
    };
    if (!read.ok) rows.push({ ...base, ms: read.ms, status: 'failed', code: read.code, reason: read.reason });
    else if (!outcome!.ok) {
      if (outcome!.code === 'inference-failed') inferenceFailures++;
      rows.push({ ...base, ms: read.ms, status: 'failed', code: outcome!.code, reason: outcome!.message });
    } else {
      const r = outcome!.result;
      rows.push({ ...base, ms: read.ms + r.totalMs, status: 'scored', score: batchScore(r) });
    }
    done++;
  };

  /**
   * One worker thread's lane: it takes the next chunk, and while the worker classifies it the lane already
   * reads and decodes the chunk after (so two chunks per worker at most are in memory).
   */
  const lane = async () => {
    const thread = startInferenceThread();
    try {
      const info = await thread.call(thread.api.load(source, 'wasm'));
      if (!firstLoaded) started = performance.now();
      firstLoaded = true;
      modelName = `${info.metadata.id}@${info.metadata.version}`;
      const take = () => (nextChunk < chunks.length ? readChunk(chunks[nextChunk++]!) : null);
      let reading = take();
      while (reading) {
        const read = await reading;
        reading = take();
        const frames = read.flatMap((r) => (r.ok ? [r.frame] : []));
        // Pixels are copied to the worker, not transferred: sharp's buffers live outside the JS heap and
        // cannot be detached, and --explain needs them here afterwards to draw the heat map anyway.
        // Heat maps come from the same model run; without --explain they are not computed at all.
        const outcomes = frames.length
          ? await thread.call(thread.api.classify(frames, { explain: explainDir !== undefined }))
          : [];
        let k = 0;
        for (const r of read) {
          const outcome = r.ok ? outcomes[k++] : undefined;
          if (explainDir && r.ok && outcome?.ok && outcome.result.heatMap) {
            const refused = outcome.result.gate?.pass === false;
            await writeExplainPng(explainPath(explainDir, r.path, refused), r.frame.pixels, outcome.result);
          }
          addRow(r, outcome);
        }
        progress();
      }
    } catch (error) {
      throw new RunError(`a scoring worker failed: ${(error as Error).message}`, { cause: error });
    } finally {
      await thread.close();
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, Math.min(workerCount, chunks.length)) }, lane));
  progress(true);
  if (process.stderr.isTTY) process.stderr.write('\n');

  const csv = batchCsv(rows, { refusedProbabilities: values['refused-probabilities'] });
  const counts = batchCounts(rows);
  const seconds = (performance.now() - started) / 1000;
  const read = counts.scored + counts.refused;
  const summary = `${batchCountsText(counts)} in ${seconds.toFixed(1)} s (${(read / Math.max(seconds, 1e-3)).toFixed(1)} frames/s), peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
  const report: string[] = [summary];
  for (const r of [...rows].sort((a, b) => comparePaths(a.path, b.path))) {
    const status = batchStatus(r);
    if (status === 'unreadable' || (status === 'refused' && r.status === 'failed'))
      report.push(`  ${r.path} (${status}): ${reasonBesidePath(r.path, r.reason)}`);
  }
  const metrics = batchMetrics(rows);
  if (metrics) report.push('', metricsText(metrics, modelName || modelDir, 'frames'));
  else
    report.push(
      'No labelled folders: scored only (name folders a_lines, b_lines, pleural_effusion, consolidation for metrics).',
    );

  if (values.out && values.out !== '-') {
    try {
      writeFileSync(values.out, csv);
    } catch (error) {
      throw new RunError(`cannot write ${values.out} (${(error as Error).message})`);
    }
    console.log(report.join('\n'));
    process.stderr.write(`lus-signs: wrote ${values.out}\n`);
  } else {
    process.stdout.write(csv);
    process.stderr.write(report.join('\n') + '\n');
  }
  if (inferenceFailures > 0)
    throw new RunError(`the model failed on ${inferenceFailures} frames (see the CSV)`);
  if (read === 0 && todo.length > 0) throw new RunError('no frame could be scored');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'adapt') return adapt(rest);
  if (command !== 'score') throw new UsageError(`unknown command "${command}" (commands: score, adapt)`);
  return score(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AdaptUsageError) {
      console.error(`lus-signs: ${error.message}\n\n${ADAPT_USAGE}`);
      process.exit(2);
    }
    if (error instanceof AdaptRunError) {
      console.error(`lus-signs: ${error.message}`);
      process.exit(1);
    }
    if (error instanceof UsageError) {
      console.error(`lus-signs: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof RunError) {
      console.error(`lus-signs: ${error.message}`);
      process.exit(1);
    }
    // parseArgs throws TypeErrors with a code for unknown options: that is a usage error too.
    const e = error as Error & { code?: string };
    if (e.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`lus-signs: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`lus-signs: unexpected failure: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
