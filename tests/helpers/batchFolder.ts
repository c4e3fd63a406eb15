// A generated lung-ultrasound folder for batch tests: 40 phantoms in sign folders (one nested) plus bad files.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { detectUltrasoundRegion, type ClassId } from '../../src/core';
import { encodeGreyPng } from '../../node';
import { generatePhantom } from '../../src/synth';

export const BATCH_ROOT = join(import.meta.dirname, '..', '.generated', 'batch');

/** Folder names as a department might write them: every alias style, and one nested exam folder. */
const LAYOUT: Array<{ folder: string; classId: ClassId; count: number }> = [
  { folder: 'a_lines', classId: 'a_lines', count: 10 },
  { folder: 'B-lines', classId: 'b_lines', count: 10 },
  { folder: 'Effusion', classId: 'pleural_effusion', count: 5 },
  { folder: 'Effusion/exam 3', classId: 'pleural_effusion', count: 5 },
  { folder: 'LC', classId: 'consolidation', count: 10 },
];

/** Files that must be reported, not scored, with the reason the batch gives. */
export const BAD_FILES: Record<string, RegExp> = {
  'a_lines/empty.png': /empty \(0 bytes\)/,
  'B-lines/notes.jpg': /not an image: it looks like a text file/,
  'LC/cut.png': /truncated/,
};
export const SKIPPED_FILES: Record<string, RegExp> = { 'readme.txt': /Not an image file \(\.txt\)/ };

export interface BatchFolder {
  root: string;
  /** Every frame's path inside the folder and its label. */
  frames: Array<{ path: string; label: ClassId }>;
}

/** Writes the folder under tests/.generated/batch/<name> (reused when already there). */
export function writeBatchFolder(name = 'ward-audit'): BatchFolder {
  const root = join(BATCH_ROOT, name);
  const frames: BatchFolder['frames'] = [];
  let seed = 100;
  for (const { folder, classId, count } of LAYOUT) {
    for (let i = 1; i <= count; i++)
      frames.push({ path: `${folder}/frame-${String(i).padStart(2, '0')}.png`, label: classId });
  }
  // The marker sits beside the folder, not in it, so it is never part of the batch.
  const marker = `${root}.complete`;
  if (existsSync(marker)) return { root, frames };
  rmSync(root, { recursive: true, force: true });
  let cut: Buffer | null = null;
  for (const f of frames) {
    // Every frame must hold a findable ultrasound region, so all 40 are scored: skip seeds that do not.
    let p = generatePhantom({ classId: f.label, width: 192, height: 160, seed: seed++, overlays: false });
    while (!detectUltrasoundRegion(p.image).found)
      p = generatePhantom({ classId: f.label, width: 192, height: 160, seed: seed++, overlays: false });
    const bytes = encodeGreyPng(p.image);
    cut ??= bytes;
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), bytes);
  }
  writeFileSync(join(root, 'a_lines/empty.png'), new Uint8Array(0));
  writeFileSync(join(root, 'B-lines/notes.jpg'), 'Ward round list\nBed 4: review\n'.repeat(10));
  writeFileSync(join(root, 'LC/cut.png'), cut!.subarray(0, Math.floor(cut!.length / 2)));
  writeFileSync(join(root, 'readme.txt'), 'Audit export, November.\n');
  writeFileSync(marker, '');
  return { root, frames };
}

/**
 * A copy of the folder's files as {path, base64}, for filling an OPFS directory in the browser (base64: an
 * array of numbers costs Playwright a validation step per byte).
 */
export function batchFolderFiles(folder: BatchFolder): Array<{ path: string; base64: string }> {
  const paths = [
    ...folder.frames.map((f) => f.path),
    ...Object.keys(BAD_FILES),
    ...Object.keys(SKIPPED_FILES),
  ];
  return paths.map((path) => ({ path, base64: readFileSync(join(folder.root, path)).toString('base64') }));
}
