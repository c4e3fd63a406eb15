// `lus-signs score <folder>`: scores every frame and clip of a folder in Node with the app's model code; CSV out, metrics printed.
import { writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  batchCounts,
  batchCountsText,
  batchCsv,
  batchMetrics,
  batchStatus,
  clipBatchRow,
  clipReadout,
  clipRefusalReason,
  reasonBesidePath,
  comparePaths,
  metadataFromModelJson,
  metricsText,
  type BatchRow,
  type BatchScore,
  type ClipFrameReading,
  type FrameResult,
} from '../src/core/index.ts';
import type { FrameInput, FrameOutcome } from '../src/inference/api.ts';
import {
  bundledModelDir,
  modelFilesSource,
  readModelFolderFiles,
  startInferenceThread,
} from '../node/index.ts';
import { skipReason, splitFolderPath } from '../src/sources/folderLabels.ts';
import { ADAPT_USAGE, AdaptRunError, AdaptUsageError, adapt } from './adapt.ts';
import { labelOf, skippedRow, walk, type FoundFile } from './folderWalk.ts';
import { explainPath, writeExplainPng } from './explainPng.ts';
import { readChunk, type ReadFrame, type ScoreFile } from './readFrames.ts';
import { clipKindOfPath, readClipFile, type ReadClipFile } from './readClips.ts';
import type { ClipKind } from '../src/sources/clipKind.ts';
import { inShard, parseShard, type Shard } from './shard.ts';

const USAGE = `usage: lus-signs score <folder> [--model DIR] [--out results.csv] [--batch N] [--shard i/n] [--workers 1|2] [--explain DIR] [--frames] [--refused-probabilities]

  <folder>      scored recursively: frames (PNG, JPEG, GIF, BMP, WebP) and clips (MP4, M4V, MOV, WebM through
                ffmpeg; ultrasound DICOM, .dcm or any file with the DICM marker); folders named after a sign
                (a_lines, B-lines, PE, LC, …) label the frames and clips below them
  --model DIR   a TF.js graph-model folder (model.json + shards); default: the app's default bundled model
  --out FILE    write the CSV there (then the summary and metrics go to stdout); default: CSV on stdout
  --batch N     frames per inference call (default 4, the engine's WASM batch size)
  --shard i/n   score only shard i of n (1-based); a file's shard is FNV-1a(path) mod n, so n shards cover the folder once
  --workers N   worker threads, each running single-threaded WASM (default 2)
  --explain DIR write each frame with its top sign's heat map as DIR/<path>.heat.png (refused frames:
                <path>.refused.heat.png); the CSV's gate and gate_reason columns say which frames were refused
  --frames      also write one row per sampled frame of each clip (kind clip-frame, frame_index, frame_time_ms);
                they are listed, never counted: a clip is one case in the summary, Table 1 and the matrix
  --refused-probabilities
                also write the (unreliable) probabilities of refused frames; never their predicted sign

a clip is read at every frame up to 64, at 64 evenly spaced frames beyond; its row gives the clip read-out (mean
probability over the frames the input gate passed) with frames_read, frames_refused and disagree

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
      frames: { type: 'boolean', default: false },
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
  let source: ReturnType<typeof modelFilesSource>;
  try {
    const files = await readModelFolderFiles(modelDir);
    const checked = metadataFromModelJson(files.modelJson);
    if (!checked.ok) throw new Error(`${modelDir}: ${checked.message}`);
    source = modelFilesSource(modelDir, files);
  } catch (error) {
    throw new RunError(`the model cannot be used: ${(error as Error).message}`);
  }

  const rows: BatchRow[] = [];
  const rootName = folder.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const listed = await walk(folder, rows);
  // Skipped rows from the walk belong to shard 1 only, so concatenated shard CSVs list them once.
  if (shard && shard.index !== 1) rows.length = 0;
  const todo: Array<FoundFile & { clip?: ClipKind }> = [];
  for (const f of listed) {
    if (!inShard(f.path, shard)) continue;
    const { fileName } = splitFolderPath(f.path);
    const why = skipReason(fileName, f.size);
    // Files that are not images by name may be clips: their first bytes or their name say so.
    const clip = why?.startsWith('Not an image file') ? await clipKindOfPath(f.file, fileName) : null;
    if (clip) todo.push({ ...f, clip });
    else if (why)
      rows.push({ ...skippedRow(f.path, why, f.size, f.lastModified), ...labelOf(rootName, f.path) });
    else todo.push(f);
  }
  const clipCount = todo.filter((f) => f.clip).length;
  const byPath = new Map(todo.map((f) => [f.path, f]));
  const shardText = shard ? ` (shard ${shard.index}/${shard.count})` : '';
  process.stderr.write(
    `lus-signs: ${todo.length - clipCount} frames and ${clipCount} clips to score in ${folder}${shardText}, ${rows.length} files skipped\n`,
  );
  if (todo.length === 0 && rows.length === 0 && !shard) throw new RunError(`no files found in ${folder}`);

  // Timing starts when the first worker has its model: frames/s is the scoring rate, not start-up.
  let started = performance.now();
  let firstLoaded = false;
  let done = 0;
  let framesClassified = 0;
  let lastProgress = 0;
  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < 1000) return;
    lastProgress = now;
    // Files per second gives the ETA; frames per second counts every sampled clip frame the model read.
    const seconds = Math.max((now - started) / 1000, 1e-3);
    const eta = (todo.length - done) / Math.max(done / seconds, 1e-9);
    const text = `scored ${done}/${todo.length} (${(framesClassified / seconds).toFixed(1)} frames/s, ETA ${Math.ceil(eta)} s)`;
    process.stderr.write(process.stderr.isTTY ? `\r${text}   ` : `${text}\n`);
  };

  // Still frames go in chunks of --batch files; each clip is a chunk of its own (its frames are batched).
  type Chunk = { files: ScoreFile[] } | { clip: ClipKind; file: ScoreFile };
  const chunks: Chunk[] = [];
  const stills = todo.filter((f) => !f.clip);
  for (let i = 0; i < stills.length; i += batch)
    chunks.push({ files: stills.slice(i, i + batch).map(({ file, path }) => ({ file, path })) });
  for (const f of todo) if (f.clip) chunks.push({ clip: f.clip, file: { file: f.file, path: f.path } });
  type ChunkRead = { frames: ReadFrame[] } | { clip: ReadClipFile };
  const readWork = async (c: Chunk): Promise<ChunkRead> =>
    'files' in c
      ? { frames: await readChunk(c.files) }
      : { clip: await readClipFile(c.file.file, c.file.path, c.clip) };
  let nextChunk = 0;
  let modelName = '';
  let inferenceFailures = 0;

  const baseOf = (path: string) => {
    const f = byPath.get(path)!;
    return { path, size: f.size, lastModified: f.lastModified, ...labelOf(rootName, path) };
  };

  /** One file's row from what reading and the model made of it. */
  const addRow = (read: ReadFrame, outcome: FrameOutcome | undefined) => {
    const base = baseOf(read.path);
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
   * One clip's row (and with --frames one row per sampled frame): every sampled frame goes through the
   * worker as a still frame does (region of interest, gate, model), and core/clip turns the readings into
   * the clip read-out, so the rules are the app's own.
   */
  const scoreClip = async (
    read: ReadClipFile,
    classify: (frames: FrameInput[]) => Promise<FrameOutcome[]>,
    threshold: number,
  ) => {
    const base = baseOf(read.path);
    done++;
    if (!read.ok) {
      const clip = { disagreement: null };
      rows.push({ ...base, ms: read.ms, status: 'failed', code: read.code, reason: read.reason, clip });
      return;
    }
    const { clip } = read;
    const t0 = performance.now();
    const outcomes: FrameOutcome[] = [];
    for (let i = 0; i < clip.frames.length; i += batch) {
      const part = clip.frames.slice(i, i + batch);
      outcomes.push(
        ...(await classify(
          part.map((f) => ({
            pixels: f.pixels,
            name: `${read.path} at ${(f.timeMs / 1000).toFixed(2)} s`,
            ...(read.scanRegion ? { crop: read.scanRegion } : {}),
          })),
        )),
      );
    }
    framesClassified += clip.frames.length;
    const ms = read.ms + (performance.now() - t0);
    const readings: ClipFrameReading[] = clip.frames.map((f, k) => {
      const o = outcomes[k]!;
      if (!o.ok) return { status: 'unreadable', index: f.index, timeMs: f.timeMs, message: o.message };
      const refused = o.result.gate !== undefined && !o.result.gate.pass;
      return {
        status: refused ? 'refused' : 'read',
        index: f.index,
        timeMs: f.timeMs,
        probabilities: o.result.probabilities,
        gate: o.result.gate,
      };
    });
    const failed = outcomes.filter((o) => !o.ok && o.code === 'inference-failed').length;
    inferenceFailures += failed;
    const first = outcomes.find((o) => o.ok);
    if (!first?.ok) {
      const problem = outcomes.find((o) => !o.ok);
      const why = problem && !problem.ok ? problem.message : 'no frame could be read';
      rows.push({
        ...base,
        ms,
        status: 'failed',
        code: problem && !problem.ok ? problem.code : 'corrupt-image',
        clip: {
          framesInClip: clip.sampling.framesInClip,
          framesSampled: clip.frames.length,
          disagreement: null,
        },
        reason: `${read.path}: none of the clip's ${clip.frames.length} sampled frames could be read (${why})`,
      });
    } else {
      // The one clip row (core/batch), as the app's batch screen writes it.
      const r = clipReadout(readings, clip.sampling, threshold);
      rows.push(clipBatchRow(base, r, batchScore(first.result), clipRefusalReason(readings), ms));
    }
    if (values.frames)
      clip.frames.forEach((f, k) => {
        const o = outcomes[k]!;
        const frameOf = { index: f.index, timeMs: f.timeMs };
        rows.push(
          o.ok
            ? { ...base, ms: o.result.totalMs, status: 'scored', score: batchScore(o.result), frameOf }
            : { ...base, ms: 0, status: 'failed', code: o.code, reason: o.message, frameOf },
        );
      });
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
      const take = () => (nextChunk < chunks.length ? readWork(chunks[nextChunk++]!) : null);
      let reading = take();
      while (reading) {
        const work = await reading;
        reading = take();
        if ('clip' in work) {
          await scoreClip(
            work.clip,
            (frames) => thread.call(thread.api.classify(frames, { explain: false })),
            info.metadata.lowConfidenceThreshold,
          );
          progress();
          continue;
        }
        const read = work.frames;
        framesClassified += read.filter((r) => r.ok).length;
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
  // frames/s counts every frame the model read, each sampled clip frame included.
  const clipsText = clipCount
    ? ` (${clipCount} clips, ${rows.filter((r) => r.clip?.framesRead !== undefined && !r.frameOf).length} read)`
    : '';
  const summary = `${batchCountsText(counts)}${clipsText} in ${seconds.toFixed(1)} s (${(framesClassified / Math.max(seconds, 1e-3)).toFixed(1)} frames/s), peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
  const report: string[] = [summary];
  for (const r of [...rows].sort((a, b) => comparePaths(a.path, b.path))) {
    if (r.frameOf) continue;
    const status = batchStatus(r);
    if (status === 'unreadable' || (status === 'refused' && r.status === 'failed'))
      report.push(`  ${r.path} (${status}): ${reasonBesidePath(r.path, r.reason)}`);
  }
  const metrics = batchMetrics(rows);
  // A clip is one case: with clips in the folder, Table 1 counts cases (frames and clips), not frames.
  if (metrics) report.push('', metricsText(metrics, modelName || modelDir, clipCount ? 'cases' : 'frames'));
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
