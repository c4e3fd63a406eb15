// Metadata validation: a valid contract passes and each kind of break is refused with the field named.
import { describe, expect, it } from 'vitest';
import { metadataFromModelJson, validateModelMetadata } from './modelMetadata';

function validMetadata(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: 'lus-test',
    version: '1.0.0',
    displayName: 'Test',
    architecture: 'resnet18',
    isTestModel: true,
    classes: ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'],
    input: {
      name: 'input',
      height: 64,
      width: 64,
      channels: 3,
      colour: 'grey-replicated',
      aspect: 'pad',
      range: [0, 1],
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
    },
    outputs: { probabilities: 'probs', featureMap: 'features' },
    classifier: { kernel: 'head/kernel', bias: 'head/bias' },
    lowConfidenceThreshold: 0.6,
    provenance: { trainedOn: 'nothing', licence: 'MIT', createdAt: '2026-11-27' },
  };
}

function withField(path: string, value: unknown): Record<string, unknown> {
  const meta = structuredClone(validMetadata());
  const keys = path.split('.');
  let node: Record<string, unknown> = meta;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) Reflect.deleteProperty(node, last);
  else node[last] = value;
  return meta;
}

describe('validateModelMetadata', () => {
  it('accepts a complete contract and keeps unknown extra fields', () => {
    const result = validateModelMetadata({ ...validMetadata(), hospitalNote: 'ward 4' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.metadata.classes).toEqual(['a_lines', 'b_lines', 'pleural_effusion', 'consolidation']);
      expect(result.metadata.hospitalNote).toBe('ward 4');
      expect(result.metadata.classifier).toEqual({ kernel: 'head/kernel', bias: 'head/bias' });
    }
  });

  it('accepts a model without the optional heat-map and gate fields', () => {
    const meta = withField('classifier', undefined);
    delete (meta.outputs as Record<string, unknown>).featureMap;
    expect(validateModelMetadata(meta).ok).toBe(true);
  });

  const broken: Array<[string, unknown, string]> = [
    ['id', undefined, 'id'],
    ['id', 'has spaces', 'id'],
    ['version', '', 'version'],
    ['schemaVersion', 2, 'schemaVersion'],
    ['classes', ['a_lines', 'b_lines', 'pleural_effusion'], 'classes'],
    ['classes', ['a_lines', 'b_lines', 'pleural_effusion', 'pneumothorax'], 'classes'],
    ['classes', ['a_lines', 'a_lines', 'pleural_effusion', 'consolidation'], 'classes'],
    ['input', undefined, 'input'],
    ['input.height', 0, 'input.height'],
    ['input.width', 224.5, 'input.width'],
    ['input.channels', 1, 'input.channels'],
    ['input.colour', 'sepia', 'input.colour'],
    ['input.aspect', 'crop', 'input.aspect'],
    ['input.range', [1, 0], 'input.range'],
    ['input.mean', [0.5, 0.5], 'input.mean'],
    ['input.std', [0.2, 0, 0.2], 'input.std'],
    ['outputs.probabilities', undefined, 'outputs.probabilities'],
    ['outputs.featureMap', 5, 'outputs.featureMap'],
    ['classifier', { kernel: 'k' }, 'classifier.bias'],
    ['lowConfidenceThreshold', 1.5, 'lowConfidenceThreshold'],
    ['provenance.licence', undefined, 'provenance.licence'],
    ['provenance', 'unknown', 'provenance'],
    ['isTestModel', 'yes', 'isTestModel'],
    ['gate', 'none', 'gate'],
  ];
  for (const [path, value, field] of broken) {
    it(`refuses ${path} = ${JSON.stringify(value)} naming ${field}`, () => {
      const result = validateModelMetadata(withField(path, value));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.field).toBe(field);
        expect(result.message).toContain(field);
      }
    });
  }

  it('refuses something that is not an object', () => {
    expect(validateModelMetadata(null).ok).toBe(false);
    expect(validateModelMetadata([1]).ok).toBe(false);
  });
});

describe('metadataFromModelJson', () => {
  it('reads userDefinedMetadata.lusSigns from a graph model', () => {
    const result = metadataFromModelJson({
      format: 'graph-model',
      userDefinedMetadata: { lusSigns: validMetadata() },
    });
    expect(result.ok).toBe(true);
  });
  it('names a layers model as the wrong format', () => {
    const result = metadataFromModelJson({ format: 'layers-model' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.field).toBe('format');
  });
  it('names missing metadata', () => {
    const result = metadataFromModelJson({ format: 'graph-model', userDefinedMetadata: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.field).toBe('userDefinedMetadata.lusSigns');
  });
});
