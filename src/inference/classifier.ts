// Classifies batches of frames with the active model: prepares each frame, runs batches, reports bad input per frame.

import {
  featureScore,
  gateVerdict,
  viewScore,
  parseGateReference,
  summariseProbabilities,
  toClassOrder,
  type FrameResult,
  type GateReference,
  type ModelMetadata,
} from '../core';
import { InputProblem } from '../sources';
import type {
  BackendPreference,
  ClassifyOptions,
  FrameInput,
  FrameOutcome,
  LoadedModelInfo,
  ModelFolderFiles,
  ModelSource,
} from './api';
import {
  adaptToSite,
  headBody,
  readSiteHead,
  writeSiteHead as writeSiteHeadFile,
  type AdaptationCase,
  type AdaptationOptions,
  type ClassifierHead,
  type HeadSummary,
  type SiteAdaptation,
} from '../core/adapt';
import { InferenceEngine, wasmThreadCount } from './engine';
import { foldSiteHead, readClassifierHead, sha256Hex, weightsHash } from './siteHeadWeights';
import { prepareFrame, type PreparedFrame } from './framePipeline';

/** Everything the worker exposes, usable directly in Node and tests (no Comlink, no DOM needed for pixels). */
export class FrameClassifier {
  private readonly engine = new InferenceEngine();
  private readonly cancelled = new Set<string>();
  private gate: { metadata: ModelMetadata; reference: GateReference | null } | null = null;

  async load(source: ModelSource, preference: BackendPreference): Promise<LoadedModelInfo> {
    const result = await this.engine.load(source, preference);
    this.gate = { metadata: result.metadata, reference: parseGateReference(result.metadata.gate) };
    return { ...result, wasmThreads: result.backend === 'wasm' ? wasmThreadCount() : 0, context: 'worker' };
  }

  async classify(frames: FrameInput[], options: ClassifyOptions = {}): Promise<FrameOutcome[]> {
    const engine = this.engine;
    const metadata = engine.activeMetadata;
    if (!metadata) throw new Error('No model is loaded.');
    const { input } = metadata;
    const frameSize = input.height * input.width * 3;
    const outcomes: FrameOutcome[] = new Array<FrameOutcome>(frames.length);
    const batchSize = engine.batchSize;
    try {
      for (let start = 0; start < frames.length; start += batchSize) {
        if (options.jobId && this.cancelled.has(options.jobId)) {
          for (let i = start; i < frames.length; i++) {
            outcomes[i] = {
              ok: false,
              name: frames[i]!.name ?? 'frame',
              code: 'cancelled',
              message: 'Cancelled.',
            };
          }
          break;
        }
        const slice = frames.slice(start, start + batchSize);
        const data = new Float32Array(slice.length * frameSize);
        const prepared: Array<{ index: number; frame: PreparedFrame }> = [];
        for (let i = 0; i < slice.length; i++) {
          const frame = slice[i]!;
          try {
            const p = await prepareFrame(frame, input, data, prepared.length * frameSize);
            prepared.push({ index: start + i, frame: p });
          } catch (error) {
            const name = frame.name ?? 'The frame';
            outcomes[start + i] =
              error instanceof InputProblem
                ? { ok: false, name, code: error.code, message: error.message }
                : {
                    ok: false,
                    name,
                    code: 'corrupt-image',
                    message: `${name} could not be read: ${(error as Error).message}`,
                  };
          }
        }
        if (prepared.length === 0) continue;
        const n = prepared.length;
        let batch;
        try {
          batch = await engine.classifyPrepared(
            n === slice.length ? data : data.subarray(0, n * frameSize),
            n,
            { explain: options.explain !== false },
          );
        } catch (error) {
          for (const { index, frame } of prepared) {
            outcomes[index] = {
              ok: false,
              name: frame.name,
              code: 'inference-failed',
              message: `The model failed: ${(error as Error).message}`,
            };
          }
          continue;
        }
        const reference = this.gate?.metadata === metadata ? this.gate.reference : null;
        const heatMapNote = engine.canExplain
          ? options.explain === false
            ? 'Heat maps were switched off for this run.'
            : undefined
          : 'No heat map: this model has no feature-map output.';
        prepared.forEach(({ index, frame }, i) => {
          const probabilities = batch.probabilities[i]!;
          const pooled = batch.pooled?.[i];
          // The model check needs reference statistics with a calibrated threshold of the right size.
          const score =
            reference && pooled && pooled.length === reference.featureCount
              ? featureScore(reference, pooled)
              : undefined;
          const feature =
            score !== undefined && reference?.threshold !== undefined
              ? { score, threshold: reference.threshold }
              : null;
          const views =
            reference && pooled && score !== undefined
              ? reference.views.map((v) => ({
                  kind: v.kind,
                  score: viewScore(v, pooled),
                  ...(v.threshold !== undefined ? { threshold: v.threshold } : {}),
                }))
              : [];
          const activations = batch.activations?.[i];
          const result: FrameResult = {
            probabilities,
            ...summariseProbabilities(probabilities, metadata.lowConfidenceThreshold),
            inferenceMs: batch.ms / n,
            totalMs: frame.prepareMs + batch.ms / n,
            backend: batch.backend,
            modelId: metadata.id,
            modelVersion: metadata.version,
            crop: frame.crop,
            cropDetected: frame.cropDetected,
            frameWidth: frame.frameWidth,
            frameHeight: frame.frameHeight,
            gate: gateVerdict(frame.imageRefusal, frame.evidence, feature, views),
          };
          // Uncalibrated statistics: the score is kept (the calibration script reads it) but decides nothing.
          if (!feature && score !== undefined) result.gate!.featureScore = score;
          // The calibration script reads the pooled features of its reference views (never stored or shown).
          if (options.pooledFeatures && pooled) result.pooledFeatures = Array.from(pooled);
          if (activations && batch.cells) {
            result.heatMap = {
              width: batch.cells.width,
              height: batch.cells.height,
              values: toClassOrder(activations, metadata.classes),
              inputWidth: input.width,
              inputHeight: input.height,
              content: frame.content,
            };
          } else if (heatMapNote) {
            result.heatMapNote = heatMapNote;
          }
          outcomes[index] = { ok: true, result };
        });
      }
    } finally {
      if (options.jobId) this.cancelled.delete(options.jobId);
    }
    return outcomes;
  }

  /** Site adaptation on the loaded model's head (see InferenceApi.adaptHead). */
  async adaptHead(cases: AdaptationCase[], options?: AdaptationOptions): Promise<SiteAdaptation> {
    const shipped = readClassifierHead(await this.engine.activeModelFiles());
    return adaptToSite(cases, shipped, options);
  }

  private async baseIdentity() {
    const metadata = this.engine.activeMetadata;
    if (!metadata) throw new Error('No model is loaded');
    if (metadata.siteHead !== undefined)
      throw new Error(
        `${metadata.displayName} ${metadata.version} already carries a site head: switch to its base model first`,
      );
    const files = await this.engine.activeModelFiles();
    return {
      files,
      metadata,
      base: { id: metadata.id, version: metadata.version, weightsHash: await weightsHash(files) },
    };
  }

  async writeSiteHead(
    head: ClassifierHead,
    summary: HeadSummary,
    site: string,
    headNumber: number,
  ): Promise<string> {
    const { base } = await this.baseIdentity();
    return writeSiteHeadFile(headBody(head, base, headNumber, site, summary), sha256Hex);
  }

  async adaptedModel(headFile: string): Promise<ModelFolderFiles> {
    const { files, base } = await this.baseIdentity();
    const shipped = readClassifierHead(files);
    const file = await readSiteHead(headFile, sha256Hex, { ...base, features: shipped.features });
    const adapted = foldSiteHead(files, file);
    return { modelJson: JSON.stringify(adapted.modelJson), shards: adapted.shards };
  }

  cancel(jobId: string): void {
    this.cancelled.add(jobId);
  }

  tensorCount(): number {
    return this.engine.tensorCount();
  }

  /** Model executions since the model loaded (one per batch, heat maps and gate included). */
  executionCount(): number {
    return this.engine.executions;
  }

  dispose(): void {
    this.engine.dispose();
  }
}
