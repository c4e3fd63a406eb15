// "Save all as cases": every scored frame of a batch into the case library; the content hash keeps a second run from duplicating.

import type { FolderFile } from '../../sources';
import {
  addPredictions,
  getCase,
  readSettings,
  saveCase,
  sha256Hex,
  type StoredPrediction,
} from '../../store';
import { prepareCaseImages } from '../cases';
import type { BatchRow } from './batchReport';

export interface SaveAsCasesOutcome {
  created: number;
  /** Frames already in the library: the new prediction is added, the clinician's label is left alone. */
  existing: number;
  failed: Array<{ path: string; reason: string }>;
}

/**
 * Saves one frame at a time, so memory holds a single image whatever the folder's size. The folder's
 * label becomes the case label; unlabelled frames are saved as "unsure". A frame that is already a case
 * (same stored image, same SHA-256) keeps its label and history and only gains this model's prediction.
 */
export async function saveBatchAsCases(
  folderName: string,
  rows: readonly BatchRow[],
  files: ReadonlyMap<string, FolderFile>,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<SaveAsCasesOutcome> {
  const settings = await readSettings();
  const scored = rows.filter((r) => r.status === 'scored' && r.score);
  const out: SaveAsCasesOutcome = { created: 0, existing: 0, failed: [] };
  let done = 0;
  for (const row of scored) {
    if (signal?.aborted) break;
    const score = row.score!;
    const file = files.get(row.path);
    try {
      if (!file) throw new Error('the file is not in the chosen folder any more');
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
          label: row.label ?? 'unsure',
          reader: settings.lastReader,
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
