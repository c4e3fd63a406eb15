// The live loop over a capture card's video: finds the image region, watches for blank or frozen images, and
// classifies the newest frame whenever the model is free (frames that arrive meanwhile are dropped, never queued).

import {
  ActivityMonitor,
  LiveReadout,
  MotionAccumulator,
  cropGrey,
  detectMovingRegion,
  detectUltrasoundRegion,
  greyToRgba,
  motionWorkSize,
  resizeGrey,
  rgbaToGrey,
  type GreyImage,
  type ImageActivity,
  type Rect,
  type RgbaImage,
  type SectorShape,
  type SmoothedReadout,
  type TrendPoint,
} from '../../core';
import type { InferenceClient } from '../../inference';

/** How long the screen is watched before the region is decided: enough for speckle to move. */
export const ROI_WATCH_MS = 3000;
/**
 * Reading pixels back from a video frame costs tens of milliseconds on the main thread on weak machines, so
 * the screen is sampled sparingly: often enough for speckle statistics while finding the image, and a few
 * times a second to notice a blank or frozen scanner (compared every 500 ms anyway).
 */
const SEARCH_SAMPLE_MS = 100;
const WATCH_SAMPLE_MS = 250;

export type RoiSearch =
  | { state: 'watching'; progress: number }
  | { state: 'found'; rect: Rect; setBy: 'auto' | 'user'; shape: SectorShape | null }
  | { state: 'not-found'; message: string };

export interface LiveStats {
  /** Model read-outs per second over the last few seconds. */
  classifiedPerSecond: number;
  /** Frames the card delivered per second. */
  videoPerSecond: number;
  /** Video frames not classified because the model was still busy (dropped on purpose). */
  dropped: number;
  classified: number;
  lastInferenceMs: number;
  backend: string;
}

export interface LiveHandlers {
  onRoi: (search: RoiSearch) => void;
  onActivity: (activity: ImageActivity) => void;
  onReadout: (readout: SmoothedReadout | null, trend: readonly TrendPoint[]) => void;
  onStats: (stats: LiveStats) => void;
  onError: (message: string) => void;
  /** The track ended without the user stopping it: unplugged card, scanner switched off. */
  onEnded: () => void;
}

type TrackProcessorConstructor = new (init: { track: MediaStreamTrack }) => {
  readable: ReadableStream<VideoFrame>;
};

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('This browser cannot read video pixels (no 2D canvas).');
  return ctx;
}

export class LiveCapture {
  private readonly video: FrameCallbackVideo;
  private readonly track: MediaStreamTrack;
  private readonly client: InferenceClient;
  private readonly handlers: LiveHandlers;
  private readonly full = document.createElement('canvas');
  private readonly activity = new ActivityMonitor();
  private readonly readout = new LiveReadout();
  private motion: MotionAccumulator | null = null;
  private watchStart = 0;
  private roi: Rect | null = null;
  private handle: number | null = null;
  private stopped = false;
  private inFlight = false;
  private paused = false;
  private lastActivity: ImageActivity = 'starting';
  private readonly classifiedAt: number[] = [];
  private readonly videoAt: number[] = [];
  private statsAt = 0;
  private sampledAt = -Infinity;
  private grabbing = false;
  /** Set once frames turn out not to be YUV, or the browser cannot hand them over: canvas read-back. */
  private canvasOnly = false;
  private frames: { clone: MediaStreamTrack; reader: ReadableStreamDefaultReader<VideoFrame> } | null = null;
  private newest: VideoFrame | null = null;
  /**
   * Longest side of the region handed to the model in live mode: the model's input side is all it reads, and
   * a smaller read-back is cheaper. Freeze sends the full-resolution frame.
   */
  liveSide = 448;
  private stats: LiveStats = {
    classifiedPerSecond: 0,
    videoPerSecond: 0,
    dropped: 0,
    classified: 0,
    lastInferenceMs: 0,
    backend: '',
  };
  /** Whether classification runs continuously (the region search and activity watch run regardless). */
  continuous = true;

  constructor(
    video: HTMLVideoElement,
    track: MediaStreamTrack,
    client: InferenceClient,
    handlers: LiveHandlers,
  ) {
    this.video = video;
    this.track = track;
    this.client = client;
    this.handlers = handlers;
  }

  get frameWidth(): number {
    return this.video.videoWidth;
  }

  get frameHeight(): number {
    return this.video.videoHeight;
  }

  start(roi: { rect: Rect; setBy: 'auto' | 'user' } | null): void {
    if (roi) this.setRoi(roi.rect, roi.setBy, null);
    else this.findRegion();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.frames) {
      void this.frames.reader.cancel().catch(() => undefined);
      this.frames.clone.stop();
      this.frames = null;
    }
    this.newest?.close();
    this.newest = null;
    if (this.handle !== null) {
      if (this.video.cancelVideoFrameCallback) this.video.cancelVideoFrameCallback(this.handle);
      else cancelAnimationFrame(this.handle);
    }
    this.handle = null;
  }

  /** Freeze keeps the loop from classifying; the video keeps playing underneath. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** Starts watching the screen afresh for the moving image. */
  findRegion(): void {
    const { width, height } = motionWorkSize(this.frameWidth || 640, this.frameHeight || 480);
    this.motion = new MotionAccumulator(width, height);
    this.watchStart = performance.now();
    this.roi = null;
    this.readout.clear();
    this.handlers.onReadout(null, []);
    this.handlers.onRoi({ state: 'watching', progress: 0 });
  }

  setRoi(rect: Rect, setBy: 'auto' | 'user', shape: SectorShape | null): void {
    this.roi = rect;
    this.motion = null;
    this.readout.clear();
    this.activity.reset();
    this.handlers.onReadout(null, []);
    this.handlers.onRoi({ state: 'found', rect, setBy, shape });
  }

  /** The current frame at full resolution as a PNG file, for Freeze. */
  async grabFullFrame(name: string): Promise<File> {
    const canvas = this.full;
    canvas.width = this.frameWidth;
    canvas.height = this.frameHeight;
    context2d(canvas).drawImage(this.video, 0, 0);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('The frame could not be encoded.'))),
        'image/png',
      ),
    );
    return new File([blob], name, { type: 'image/png' });
  }

  /**
   * The image region of the current frame, scaled to at most `maxSide`, as RGBA: what Record clip keeps of
   * each frame. Only the region is read back: a scanner's banner (names) is never kept, and 64 full HD
   * frames would need half a gigabyte.
   */
  grabRegion(region: Rect, maxSide: number): RgbaImage {
    const s = Math.min(1, maxSide / Math.max(region.width, region.height));
    const width = Math.max(1, Math.round(region.width * s));
    const height = Math.max(1, Math.round(region.height * s));
    const canvas = this.full;
    canvas.width = width;
    canvas.height = height;
    const ctx = context2d(canvas);
    ctx.drawImage(this.video, region.x, region.y, region.width, region.height, 0, 0, width, height);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { width, height, data };
  }

  private schedule(): void {
    if (this.stopped) return;
    // One callback per new video frame where the browser offers it; animation frames otherwise.
    this.handle = this.video.requestVideoFrameCallback
      ? this.video.requestVideoFrameCallback(() => this.onFrame())
      : requestAnimationFrame(() => this.onFrame());
  }

  private onFrame(): void {
    if (this.stopped) return;
    // Some browsers end a track without an 'ended' event; the state itself never lies.
    if (this.track.readyState === 'ended') {
      this.stop();
      this.handlers.onEnded();
      return;
    }
    try {
      this.step();
    } catch (error) {
      this.handlers.onError((error as Error).message);
    }
    this.schedule();
  }

  /**
   * The newest frame as grey at full resolution: the luma plane of the track's own frame where the browser
   * offers MediaStreamTrackProcessor, else the video drawn into a canvas and read back (slower: it stalls the
   * page while the GPU copy comes back).
   */
  private async grabGrey(): Promise<GreyImage | null> {
    const w = this.frameWidth;
    const h = this.frameHeight;
    if (!w || !h) return null;
    const luma = await this.grabLuma().catch(() => null);
    if (luma || !this.canvasOnly) return luma; // null: no new frame since the last one, nothing to do
    return this.grabFullGrey();
  }

  private async grabLuma(): Promise<GreyImage | null> {
    if (this.canvasOnly) return null;
    if (!this.frames) this.openFrameReader();
    const frame = this.newest;
    if (!frame) return null;
    this.newest = null;
    try {
      const format = frame.format ?? '';
      if (!/^(I420|I420A|I422|I444|NV12)$/.test(format)) {
        // RGB frames (some capture cards): the canvas path converts those just as well.
        this.canvasOnly = true;
        return null;
      }
      const rect = frame.visibleRect!;
      const buffer = new Uint8Array(frame.allocationSize({ rect }));
      const [y] = await frame.copyTo(buffer, { rect });
      const width = rect.width;
      const height = rect.height;
      const data = new Uint8ClampedArray(width * height);
      // Limited-range video puts black at 16 and white at 235; stretch it as a canvas would.
      const full = frame.colorSpace?.fullRange === true;
      const lut = new Uint8ClampedArray(256);
      for (let v = 0; v < 256; v++) lut[v] = full ? v : Math.round(((v - 16) * 255) / 219);
      for (let row = 0; row < height; row++) {
        const from = y!.offset + row * y!.stride;
        for (let x = 0; x < width; x++) data[row * width + x] = lut[buffer[from + x]!]!;
      }
      return { width, height, data };
    } finally {
      frame.close();
    }
  }

  /**
   * Frames straight from the track (MediaStreamTrackProcessor) live in ordinary memory: copying one is a
   * memcpy. A frame taken from the <video> element lives on the GPU, and reading it back stalls the page.
   */
  private openFrameReader(): void {
    const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor })
      .MediaStreamTrackProcessor;
    if (!Processor) {
      this.canvasOnly = true;
      return;
    }
    const clone = this.track.clone();
    const reader = new Processor({ track: clone }).readable.getReader();
    this.frames = { clone, reader };
    const pump = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.stopped) {
          value?.close();
          break;
        }
        // Only the newest frame is kept: older ones are dropped here, never queued.
        this.newest?.close();
        this.newest = value;
      }
    };
    pump().catch(() => {
      this.canvasOnly = true;
    });
  }

  private grabFullGrey(): GreyImage {
    const canvas = this.full;
    canvas.width = this.frameWidth;
    canvas.height = this.frameHeight;
    const ctx = context2d(canvas);
    ctx.drawImage(this.video, 0, 0);
    return rgbaToGrey(ctx.getImageData(0, 0, canvas.width, canvas.height));
  }

  private step(): void {
    const now = performance.now();
    this.videoAt.push(now);
    if (this.inFlight) this.stats.dropped++;
    this.publishStats(now);
    // One read-back at a time; a frame that arrives meanwhile is skipped like any other.
    if (this.grabbing) return;
    const wantsClassify =
      this.continuous &&
      !this.paused &&
      !this.inFlight &&
      this.roi !== null &&
      this.lastActivity !== 'blank' &&
      this.lastActivity !== 'frozen';
    const due = now - this.sampledAt >= (this.motion ? SEARCH_SAMPLE_MS : WATCH_SAMPLE_MS);
    if (!due && !wantsClassify) return;
    this.grabbing = true;
    this.grabGrey()
      .then((grey) => {
        if (grey && !this.stopped) this.process(grey, performance.now(), due);
      })
      .catch((error: Error) => this.handlers.onError(error.message))
      .finally(() => {
        this.grabbing = false;
      });
  }

  private process(grey: GreyImage, now: number, sample: boolean): void {
    if (sample) {
      this.sampledAt = now;
      const size = motionWorkSize(grey.width, grey.height);
      const small = resizeGrey(grey, size.width, size.height);
      if (this.motion) {
        if (this.motion.width !== small.width || this.motion.height !== small.height) {
          this.motion = new MotionAccumulator(small.width, small.height);
          this.watchStart = now;
        }
        this.motion.add(small);
        const elapsed = now - this.watchStart;
        if (elapsed < ROI_WATCH_MS)
          this.handlers.onRoi({ state: 'watching', progress: elapsed / ROI_WATCH_MS });
        else this.decideRegion(grey, elapsed);
        return;
      }
      if (!this.roi) return;
      const sx = small.width / grey.width;
      const sy = small.height / grey.height;
      // Two work pixels in from each edge: blurred screen background at the border would look like image.
      const activity = this.activity.update(now, small, {
        x: this.roi.x * sx + 2,
        y: this.roi.y * sy + 2,
        width: Math.max(1, this.roi.width * sx - 4),
        height: Math.max(1, this.roi.height * sy - 4),
      });
      if (activity !== this.lastActivity) {
        this.lastActivity = activity;
        if (activity === 'blank') {
          this.readout.clear();
          this.handlers.onReadout(null, []);
        }
        this.handlers.onActivity(activity);
      }
    }
    const ready =
      this.continuous &&
      !this.paused &&
      !this.inFlight &&
      this.roi !== null &&
      this.lastActivity !== 'blank' &&
      this.lastActivity !== 'frozen';
    if (ready) this.classifyLatest(grey, this.roi!);
  }

  private decideRegion(full: GreyImage, elapsed: number): void {
    const motion = this.motion!;
    const moving = detectMovingRegion(motion, full.width, full.height, full);
    if (moving.found) {
      this.setRoi(moving.rect, 'auto', moving.shape);
      return;
    }
    // Too few distinct frames (a scanner frozen for a moment): keep watching a while before guessing.
    if (moving.reason === 'too-few-frames' && elapsed < 3 * ROI_WATCH_MS) return;
    // Nothing moved (a frozen scanner): the single-frame texture detector is the next best guess.
    const still = detectUltrasoundRegion(full);
    if (still.found) {
      this.setRoi(still.rect, 'auto', null);
      return;
    }
    this.motion = null;
    this.handlers.onRoi({ state: 'not-found', message: moving.message });
  }

  private classifyLatest(grey: GreyImage, roi: Rect): void {
    const scale = Math.min(1, this.liveSide / Math.max(roi.width, roi.height));
    const region = cropGrey(grey, roi);
    const w = Math.max(1, Math.round(region.width * scale));
    const h = Math.max(1, Math.round(region.height * scale));
    // Area-averaged shrink (the same resampling the worker uses), then grey as RGBA for the worker's input.
    const pixels = greyToRgba(resizeGrey(region, w, h));
    this.inFlight = true;
    const roiAtStart = roi;
    this.client
      .classify([{ pixels, name: 'Live frame', crop: { x: 0, y: 0, width: w, height: h } }])
      .then(([outcome]) => {
        // A result for a region the user has since moved would mislead: drop it.
        if (this.stopped || this.roi !== roiAtStart || !outcome) return;
        if (!outcome.ok) {
          this.handlers.onError(outcome.message);
          return;
        }
        const at = performance.now();
        this.classifiedAt.push(at);
        this.stats.classified++;
        this.stats.lastInferenceMs = outcome.result.inferenceMs;
        this.stats.backend = outcome.result.backend;
        const smoothed = this.readout.add({ at, probabilities: outcome.result.probabilities });
        this.handlers.onReadout(smoothed, this.readout.trend());
      })
      .catch((error: Error) => {
        if (!this.stopped) this.handlers.onError(`The model could not read the live frame: ${error.message}`);
      })
      .finally(() => {
        this.inFlight = false;
      });
  }

  private publishStats(now: number): void {
    // Twice a second is enough for people and keeps React from re-rendering at the video's frame rate.
    if (now - this.statsAt < 500) return;
    this.statsAt = now;
    const since = now - 3000;
    while (this.classifiedAt.length && this.classifiedAt[0]! < since) this.classifiedAt.shift();
    while (this.videoAt.length && this.videoAt[0]! < since) this.videoAt.shift();
    // Both rates over one window (from the oldest video frame kept, at most 3 s back): each list measured
    // from its own first entry made the read-outs look faster than the video when the model started late.
    const seconds = this.videoAt.length > 1 ? (now - this.videoAt[0]!) / 1000 : 0;
    this.stats.classifiedPerSecond = seconds ? this.classifiedAt.length / seconds : 0;
    this.stats.videoPerSecond = seconds ? this.videoAt.length / seconds : 0;
    this.handlers.onStats({ ...this.stats });
  }
}
