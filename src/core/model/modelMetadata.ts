// The model-metadata contract carried in a graph model's model.json (userDefinedMetadata.lusSigns), and its validation.
import { CLASS_IDS, type ClassId, isClassId } from '../frame';

/** Bumped only when a field changes meaning; older models stay loadable. */
export const METADATA_SCHEMA_VERSION = 1;

/** Key under model.json's userDefinedMetadata. Never "signature": the loader treats that key specially. */
export const METADATA_KEY = 'lusSigns';

export type ColourHandling = 'grey-replicated' | 'rgb';
export type AspectPolicy = 'pad' | 'stretch';

export interface ModelInputSpec {
  /** Graph input node name, e.g. "input". */
  name: string;
  height: number;
  width: number;
  channels: 3;
  /** Grey ultrasound is replicated to three channels unless the model was trained on colour. */
  colour: ColourHandling;
  /** pad: keep the aspect ratio and pad with black; stretch: resize to fill. */
  aspect: AspectPolicy;
  /** Pixel values are scaled to this range before mean/std normalisation. */
  range: [number, number];
  mean: [number, number, number];
  std: [number, number, number];
}

export interface ModelOutputSpec {
  /** Node giving class probabilities [batch, classes] (softmax applied). */
  probabilities: string;
  /** Optional last feature map [batch, h, w, channels] for class-activation heat maps. */
  featureMap?: string;
  /** Optional pooled features [batch, channels] for the input gate. */
  pooledFeatures?: string;
}

/** Names of the final dense layer's weights in the weights manifest, for heat maps. */
export interface ClassifierWeights {
  /** [channels, classes] */
  kernel: string;
  /** [classes] */
  bias: string;
}

export interface ModelProvenance {
  trainedOn: string;
  licence: string;
  createdAt: string;
  exporter?: string;
  sources?: string[];
  notes?: string;
}

export interface ModelMetadata {
  schemaVersion: number;
  id: string;
  version: string;
  displayName: string;
  architecture: string;
  /** A fixture for tests: the UI says plainly that its answers mean nothing. */
  isTestModel: boolean;
  classes: ClassId[];
  input: ModelInputSpec;
  outputs: ModelOutputSpec;
  classifier?: ClassifierWeights;
  /** Top-class probability below which the result is flagged as low confidence. */
  lowConfidenceThreshold: number;
  provenance: ModelProvenance;
  /** Validation metrics as the training pipeline reported them (free-form, shown in model info). */
  validation?: Record<string, unknown>;
  /** Reference statistics for the input gate; its feature owns the exact shape. */
  gate?: Record<string, unknown>;
  /** Markdown model card, shown in model information. */
  modelCard?: string;
  /** Unknown extra fields are kept, not rejected. */
  [extra: string]: unknown;
}

export type MetadataValidation =
  { ok: true; metadata: ModelMetadata } | { ok: false; field: string; message: string };

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(obj: Record<string, unknown>, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FieldError(`${path}${key}`, `must be a non-empty string`);
  }
  return value;
}

function optionalString(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  if (obj[key] === undefined) return undefined;
  return requireString(obj, key, path);
}

function requireNumber(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  check: (n: number) => boolean,
  expectation: string,
): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new FieldError(`${path}${key}`, `must be ${expectation}`);
  }
  return value;
}

function requireTriple(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  positive: boolean,
): [number, number, number] {
  const value = obj[key];
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0))
  ) {
    throw new FieldError(
      `${path}${key}`,
      `must be three ${positive ? 'positive ' : ''}numbers, one per channel`,
    );
  }
  return value as [number, number, number];
}

function parseInput(value: unknown): ModelInputSpec {
  if (!isRecord(value)) throw new FieldError('input', 'must be an object');
  const p = 'input.';
  const isSize = (n: number) => Number.isInteger(n) && n >= 16 && n <= 1024;
  const colour = value.colour;
  if (colour !== 'grey-replicated' && colour !== 'rgb') {
    throw new FieldError('input.colour', 'must be "grey-replicated" or "rgb"');
  }
  const aspect = value.aspect;
  if (aspect !== 'pad' && aspect !== 'stretch') {
    throw new FieldError('input.aspect', 'must be "pad" or "stretch"');
  }
  const range = value.range;
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    typeof range[0] !== 'number' ||
    typeof range[1] !== 'number' ||
    !(range[1] > range[0])
  ) {
    throw new FieldError('input.range', 'must be [low, high] with high > low, e.g. [0, 1]');
  }
  return {
    name: requireString(value, 'name', p),
    height: requireNumber(value, 'height', p, isSize, 'an integer from 16 to 1024'),
    width: requireNumber(value, 'width', p, isSize, 'an integer from 16 to 1024'),
    channels: requireNumber(value, 'channels', p, (n) => n === 3, '3') as 3,
    colour,
    aspect,
    range: [range[0], range[1]],
    mean: requireTriple(value, 'mean', p, false),
    std: requireTriple(value, 'std', p, true),
  };
}

function parseOutputs(value: unknown): ModelOutputSpec {
  if (!isRecord(value)) throw new FieldError('outputs', 'must be an object');
  const p = 'outputs.';
  const outputs: ModelOutputSpec = { probabilities: requireString(value, 'probabilities', p) };
  const featureMap = optionalString(value, 'featureMap', p);
  if (featureMap !== undefined) outputs.featureMap = featureMap;
  const pooled = optionalString(value, 'pooledFeatures', p);
  if (pooled !== undefined) outputs.pooledFeatures = pooled;
  return outputs;
}

function parseClasses(value: unknown): ClassId[] {
  if (!Array.isArray(value)) throw new FieldError('classes', `must be a list of class ids`);
  if (value.length !== CLASS_IDS.length) {
    throw new FieldError(
      'classes',
      `must list exactly the ${CLASS_IDS.length} signs: ${CLASS_IDS.join(', ')}`,
    );
  }
  const bad = value.find((v) => !isClassId(v));
  if (bad !== undefined) throw new FieldError('classes', `contains unknown class id ${JSON.stringify(bad)}`);
  if (new Set(value).size !== value.length) throw new FieldError('classes', 'lists a class twice');
  return value as ClassId[];
}

function parseProvenance(value: unknown): ModelProvenance {
  if (!isRecord(value)) throw new FieldError('provenance', 'must be an object');
  const p = 'provenance.';
  const provenance: ModelProvenance = {
    trainedOn: requireString(value, 'trainedOn', p),
    licence: requireString(value, 'licence', p),
    createdAt: requireString(value, 'createdAt', p),
  };
  const exporter = optionalString(value, 'exporter', p);
  if (exporter !== undefined) provenance.exporter = exporter;
  const notes = optionalString(value, 'notes', p);
  if (notes !== undefined) provenance.notes = notes;
  if (value.sources !== undefined) {
    if (!Array.isArray(value.sources) || !value.sources.every((s) => typeof s === 'string')) {
      throw new FieldError('provenance.sources', 'must be a list of strings');
    }
    provenance.sources = value.sources as string[];
  }
  return { ...value, ...provenance };
}

/**
 * Checks a model's metadata against the contract. The first broken field is named so a hospital's
 * engineer can fix their export; unknown extra fields are kept.
 */
export function validateModelMetadata(raw: unknown): MetadataValidation {
  try {
    if (!isRecord(raw)) throw new FieldError(METADATA_KEY, 'is missing or not an object');
    const schemaVersion = requireNumber(
      raw,
      'schemaVersion',
      '',
      (n) => Number.isInteger(n) && n >= 1 && n <= METADATA_SCHEMA_VERSION,
      `an integer from 1 to ${METADATA_SCHEMA_VERSION} (this app understands up to ${METADATA_SCHEMA_VERSION})`,
    );
    const id = requireString(raw, 'id', '');
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id))
      throw new FieldError('id', 'may contain only letters, digits, ".", "_" and "-"');
    const threshold = requireNumber(
      raw,
      'lowConfidenceThreshold',
      '',
      (n) => n > 0 && n < 1,
      'a probability between 0 and 1',
    );
    if (raw.isTestModel !== undefined && typeof raw.isTestModel !== 'boolean') {
      throw new FieldError('isTestModel', 'must be true or false');
    }
    let classifier: ClassifierWeights | undefined;
    if (raw.classifier !== undefined) {
      if (!isRecord(raw.classifier)) throw new FieldError('classifier', 'must be an object');
      classifier = {
        kernel: requireString(raw.classifier, 'kernel', 'classifier.'),
        bias: requireString(raw.classifier, 'bias', 'classifier.'),
      };
    }
    for (const key of ['validation', 'gate'] as const) {
      if (raw[key] !== undefined && !isRecord(raw[key])) throw new FieldError(key, 'must be an object');
    }
    if (raw.modelCard !== undefined && typeof raw.modelCard !== 'string') {
      throw new FieldError('modelCard', 'must be Markdown text');
    }
    const metadata: ModelMetadata = {
      ...raw,
      schemaVersion,
      id,
      version: requireString(raw, 'version', ''),
      displayName: requireString(raw, 'displayName', ''),
      architecture: requireString(raw, 'architecture', ''),
      isTestModel: raw.isTestModel === true,
      classes: parseClasses(raw.classes),
      input: parseInput(raw.input),
      outputs: parseOutputs(raw.outputs),
      lowConfidenceThreshold: threshold,
      provenance: parseProvenance(raw.provenance),
    };
    if (classifier) metadata.classifier = classifier;
    else delete metadata.classifier;
    return { ok: true, metadata };
  } catch (error) {
    if (error instanceof FieldError)
      return { ok: false, field: error.field, message: `${error.field} ${error.message}` };
    throw error;
  }
}

/** Pulls our metadata out of a parsed model.json, naming what is missing. */
export function metadataFromModelJson(modelJson: unknown): MetadataValidation {
  if (!isRecord(modelJson))
    return { ok: false, field: 'model.json', message: 'model.json is not a JSON object' };
  if (modelJson.format !== 'graph-model') {
    return {
      ok: false,
      field: 'format',
      message: 'model.json format must be "graph-model" (a TF.js graph model)',
    };
  }
  const udm = modelJson.userDefinedMetadata;
  if (!isRecord(udm) || udm[METADATA_KEY] === undefined) {
    return {
      ok: false,
      field: `userDefinedMetadata.${METADATA_KEY}`,
      message: `model.json has no userDefinedMetadata.${METADATA_KEY}: export it with the LUS Signs exporter or add the metadata`,
    };
  }
  return validateModelMetadata(udm[METADATA_KEY]);
}
