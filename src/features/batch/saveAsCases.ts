// "Save all as cases": every scored frame and clip of a batch into the case library; the content hash keeps a second run from duplicating.

import { classFromAlias, type BatchRow } from '../../core';
import type { InferenceClient } from '../../inference';
import { splitFolderPath, type FolderFile } from '../../sources';
import {
  addPredictions,
  storedCaseIdOf,
  getCase,
  readSettings,
  type FolderLabelSource,
  saveCase,
  sha256Hex,
  type StoredPrediction,
} from '../../store';
import { prepareCaseImages, prepareClipCase, type ClipCaseParts } from '../shared';
import { batchClipDraft, clipKindOfName, readBatchClip } from './batchClip';

/** The model that reads a clip's frames again when it is saved (its frames are not kept while scoring). */
export interface ClipReader {
  client: Pick<InferenceClient, 'classify'>;
  threshold: number;
}

export interface SaveAsCasesOutcome {
  created: number;
  /** Frames already in the library: the new prediction is added, the clinician's label is left alone. */
  existing: number;
  failed: Array<{ path: string; reason: string }>;
}

/** The folder whose name gave the label: the deepest sign-named one on the path ("ward-audit/Effusion"). */
export function labelFolderOf(folderName: string, path: string): string {
  const folders = [folderName, ...splitFolderPath(path).folders];
  for (let i = folders.length - 1; i >= 0; i--)
    if (classFromAlias(folders[i]!)) return folders.slice(0, i + 1).join('/');
  return folders.join('/');
}

function folderSource(folderName: string, path: string, at: number): FolderLabelSource {
  return { kind: 'folder', folder: labelFolderOf(folderName, path), batch: `“${folderName}”`, at };
}

/**
 * Saves one frame at a time, so memory holds a single image whatever the folder's size. A folder's label
 * is recorded as a folder label (which folder, which batch, when), never as a reader's reading: no reader
 * saw these frames. Frames outside any sign folder are saved unlabelled. A frame that is already a case
 * (same stored image, same SHA-256) keeps its label and history and only gains this model's prediction.
 */
export async function saveBatchAsCases(
  folderName: string,
  rows: readonly BatchRow[],
  files: ReadonlyMap<string, FolderFile>,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
  clipReader: ClipReader | null = null,
): Promise<SaveAsCasesOutcome> {
  const settings = await readSettings();
  const savedAt = Date.now();
  const scored = rows.filter((r) => r.status === 'scored' && r.score);
  const out: SaveAsCasesOutcome = { created: 0, existing: 0, failed: [] };
  let done = 0;
  for (const row of scored) {
    if (signal?.aborted) break;
    const score = row.score!;
    const file = files.get(row.path);
    try {
      if (!file) throw new Error('the file is not in the chosen folder any more');
      if (row.clip) {
        await saveClipRow(folderName, row, file, clipReader, savedAt, out, signal);
        onProgress(++done, scored.length);
        continue;
      }
      const blob = await file.read();
      const images = await prepareCaseImages(
        blob,
        score.crop,
        score.frameWidth,
        score.frameHeight,
        settings.keepFullFrame,
      );
      const prediction: StoredPrediction =
        score.gate && !score.gate.pass
          ? {
              status: 'refused',
              modelId: score.modelId,
              modelVersion: score.modelVersion,
              at: Date.now(),
              code: score.gate.reason ?? 'refused',
              message: score.gate.message,
              probabilities: score.probabilities,
              top: score.top,
            }
          : {
              ...(score.gate ? { gate: 'passed' as const } : {}),
              status: 'scored',
              modelId: score.modelId,
              modelVersion: score.modelVersion,
              at: Date.now(),
              probabilities: score.probabilities,
              top: score.top,
              lowConfidence: score.lowConfidence,
              backend: score.backend,
              inferenceMs: row.ms,
            };
      const id = await sha256Hex(images.image);
      if (await getCase(id)) {
        await addPredictions([{ caseId: id, prediction }]);
        out.existing++;
      } else {
        const saved = await saveCase({
          source: `${folderName}/${row.path}`,
          ...images,
          crop: score.crop,
          frameWidth: score.frameWidth,
          frameHeight: score.frameHeight,
          label: row.label ?? 'unlabelled',
          reader: '',
          ...(row.label ? { labelSource: folderSource(folderName, row.path, savedAt) } : {}),
          examId: '',
          zone: '',
          notes: `Batch import from folder "${folderName}".`,
          prediction,
        });
        if (saved.created) out.created++;
        else out.existing++;
      }
    } catch (error) {
      out.failed.push({ path: row.path, reason: (error as Error).message });
    }
    onProgress(++done, scored.length);
  }
  return out;
}

/**
 * A clip row: the clip is opened and its sampled frames read again (a batch keeps only each clip's read-out
 * while scoring, not 64 frames of every clip), then saved as a clip case with the folder's label, exactly
 * as the Classify screen saves one. A clip already in the library only gains this model's read-out.
 */
async function saveClipRow(
  folderName: string,
  row: BatchRow,
  file: FolderFile,
  reader: ClipReader | null,
  savedAt: number,
  out: SaveAsCasesOutcome,
  signal?: AbortSignal,
): Promise<void> {
  if (!reader)
    throw new Error('the model is not loaded, so the clip cannot be read again to keep its frames');
  const kind = clipKindOfName(splitFolderPath(row.path).fileName);
  if (!kind) throw new Error('the file is no longer a clip by its name');
  const read = await readBatchClip(file, kind, reader.client, reader.threshold, signal);
  if (!read) return;
  const draft = batchClipDraft(`${folderName}/${row.path}`, read);
  if (!draft) throw new Error('none of its frames could be read');
  const parts: ClipCaseParts = await prepareClipCase(draft);
  // The same clip may have been sampled at other frames on an earlier read: its file says it is the same.
  const id = await storedCaseIdOf(parts);
  if (id) {
    if (parts.prediction) await addPredictions([{ caseId: id, prediction: parts.prediction }]);
    out.existing++;
    return;
  }
  const saved = await saveCase({
    ...parts,
    label: row.label ?? 'unlabelled',
    reader: '',
    ...(row.label ? { labelSource: folderSource(folderName, row.path, savedAt) } : {}),
    examId: '',
    zone: '',
    notes: `Batch import from folder "${folderName}".`,
  });
  if (saved.created) out.created++;
  else out.existing++;
}
