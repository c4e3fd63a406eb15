// The clip read-out: one sign for a clip (mean probability over its read frames, the model card's rule), frame counts, disagreement, gate and timeline.

import { CLASS_IDS, CLASS_NAMES, type ClassId } from '../frame';
import type { GateVerdict } from '../gate';
import type { ClipSampling } from './clip';

/** What happened to one sampled frame: read (its probabilities), refused by the input gate, or unreadable. */
export type ClipFrameReading =
  | {
      status: 'read' | 'refused';
      index: number;
      timeMs: number;
      probabilities: Record<ClassId, number>;
      /** The gate's verdict; a 'refused' reading carries the refusal. */
      gate?: GateVerdict;
    }
  | { status: 'unreadable'; index: number; timeMs: number; message: string };

export interface ClipTimelinePoint {
  index: number;
  timeMs: number;
  status: ClipFrameReading['status'];
  /** Null for an unreadable frame; a refused frame keeps what the model would have said. */
  probabilities: Record<ClassId, number> | null;
  top: ClassId | null;
}

export interface ClipDisagreement {
  /** Share of read frames whose own top sign is the clip's sign. */
  agreeingShare: number;
  /** Read frames per top sign. */
  framesBySign: Record<ClassId, number>;
  message: string;
}

export interface ClipReadout {
  /** The clip's sign: the top class of the mean probabilities. */
  top: ClassId;
  runnerUp: ClassId;
  /** Mean probability of each sign over the frames read (all frames with probabilities when the clip is refused). */
  probabilities: Record<ClassId, number>;
  lowConfidence: boolean;
  sampling: ClipSampling;
  /** Frames that passed the input gate and count towards the sign. */
  framesRead: number;
  /** Frames the input gate refused: they do not count towards the sign. */
  framesRefused: number;
  /** Frames that could not be decoded or read at all. */
  framesUnreadable: number;
  /** The clip-level gate: refused when fewer than half of the sampled frames passed. */
  gate: { pass: boolean; message: string; reasons: Array<{ message: string; frames: number }> };
  /** Set when the read frames disagree strongly about the sign. */
  disagreement: ClipDisagreement | null;
  timeline: ClipTimelinePoint[];
}

/** Fewer than this share of read frames showing the clip's own sign, and the clip is said to disagree. */
export const CLIP_AGREEMENT_FLOOR = 0.5;
/** At least this share of sampled frames must pass the input gate for the clip's sign to count. */
export const CLIP_GATE_PASS_SHARE = 0.5;

const zeros = (): Record<ClassId, number> =>
  Object.fromEntries(CLASS_IDS.map((id) => [id, 0])) as Record<ClassId, number>;

function topOf(p: Record<ClassId, number>): { top: ClassId; runnerUp: ClassId } {
  const ranked = [...CLASS_IDS].sort((a, b) => p[b] - p[a]);
  return { top: ranked[0]!, runnerUp: ranked[1]! };
}

function meanOf(
  readings: ReadonlyArray<{ probabilities: Record<ClassId, number> }>,
): Record<ClassId, number> {
  const sum = zeros();
  for (const r of readings) for (const id of CLASS_IDS) sum[id] += r.probabilities[id];
  for (const id of CLASS_IDS) sum[id] /= Math.max(1, readings.length);
  return sum;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The clip's read-out from each sampled frame's reading. The sign is the mean probability over the frames
 * the gate passed (the clip-level figures of the model card use the same mean). When fewer than half the
 * sampled frames pass, the clip is refused as a whole; the mean over every frame with probabilities is
 * then kept only so a reader who asks can see what the model would say.
 */
export function clipReadout(
  readings: readonly ClipFrameReading[],
  sampling: ClipSampling,
  lowConfidenceThreshold: number,
): ClipReadout {
  const ordered = [...readings].sort((a, b) => a.timeMs - b.timeMs);
  const scored = ordered.filter((r) => r.status !== 'unreadable');
  const read = scored.filter((r) => r.status === 'read');
  const refused = scored.filter((r) => r.status === 'refused');
  const unreadable = ordered.length - scored.length;
  if (scored.length === 0) {
    throw new Error(
      ordered.length === 0
        ? 'The clip has no frames to read.'
        : `None of the clip's ${plural(ordered.length, 'frame')} could be read.`,
    );
  }

  const pass = read.length > 0 && read.length >= CLIP_GATE_PASS_SHARE * ordered.length;
  const probabilities = meanOf(pass ? read : scored);
  const { top, runnerUp } = topOf(probabilities);

  const reasonCounts = new Map<string, number>();
  for (const r of refused) {
    const message = r.gate?.message ?? 'Refused by the input check.';
    reasonCounts.set(message, (reasonCounts.get(message) ?? 0) + 1);
  }
  const reasons = [...reasonCounts].map(([message, frames]) => ({ message, frames }));
  reasons.sort((a, b) => b.frames - a.frames);
  const gateMessage = pass
    ? refused.length
      ? `${plural(refused.length, 'frame')} of ${ordered.length} refused by the input check and left out of the sign.`
      : 'Every frame passed the input check.'
    : `Only ${read.length} of ${plural(ordered.length, 'frame')} passed the input check: this clip is not read. ${reasons[0]?.message ?? ''}`.trim();

  return {
    top,
    runnerUp,
    probabilities,
    lowConfidence: probabilities[top] < lowConfidenceThreshold,
    sampling,
    framesRead: read.length,
    framesRefused: refused.length,
    framesUnreadable: unreadable,
    gate: { pass, message: gateMessage, reasons },
    disagreement: disagreementOf(pass ? read : scored, top),
    timeline: ordered.map((r) => ({
      index: r.index,
      timeMs: r.timeMs,
      status: r.status,
      probabilities: r.status === 'unreadable' ? null : r.probabilities,
      top: r.status === 'unreadable' ? null : topOf(r.probabilities).top,
    })),
  };
}

/**
 * Frames disagree strongly when fewer than half of them show the clip's sign as their own top sign:
 * the mean then stands for a clip whose frames mostly say something else (a probe that moved between
 * views, or a sign that comes and goes), and the reader should watch the clip.
 */
export function disagreementOf(
  frames: ReadonlyArray<{ probabilities: Record<ClassId, number> }>,
  sign: ClassId,
): ClipDisagreement | null {
  if (frames.length < 2) return null;
  const framesBySign = zeros();
  for (const f of frames) framesBySign[topOf(f.probabilities).top]++;
  const agreeingShare = framesBySign[sign] / frames.length;
  if (agreeingShare >= CLIP_AGREEMENT_FLOOR) return null;
  const others = CLASS_IDS.filter((id) => id !== sign && framesBySign[id] > 0)
    .sort((a, b) => framesBySign[b] - framesBySign[a])
    .map((id) => `${framesBySign[id]} ${CLASS_NAMES[id]}`);
  return {
    agreeingShare,
    framesBySign,
    message: `The frames disagree: only ${framesBySign[sign]} of ${frames.length} show ${CLASS_NAMES[sign]} on their own (${others.join(', ')}). Watch the clip yourself.`,
  };
}

/** The timeline point nearest to a moment, for "choose a moment, see that frame". */
export function timelinePointAt(
  timeline: readonly ClipTimelinePoint[],
  timeMs: number,
): ClipTimelinePoint | null {
  let best: ClipTimelinePoint | null = null;
  for (const p of timeline)
    if (!best || Math.abs(p.timeMs - timeMs) < Math.abs(best.timeMs - timeMs)) best = p;
  return best;
}

/** One series per sign over time, for the timeline strip; unreadable frames are gaps (null). */
export function timelineSeries(
  timeline: readonly ClipTimelinePoint[],
): Record<ClassId, Array<{ timeMs: number; probability: number | null }>> {
  const out = Object.fromEntries(
    CLASS_IDS.map((id) => [id, [] as Array<{ timeMs: number; probability: number | null }>]),
  ) as Record<ClassId, Array<{ timeMs: number; probability: number | null }>>;
  for (const p of timeline)
    for (const id of CLASS_IDS)
      out[id].push({ timeMs: p.timeMs, probability: p.probabilities?.[id] ?? null });
  return out;
}
