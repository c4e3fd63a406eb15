// The plain-words model summary reads its numbers from the model's own metadata and card, with a fallback.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownFailures, modelSummary } from './modelSummary';
import { metadataFromModelJson } from './modelMetadata';
import { parseBundledModelIndex } from './modelIndex';

const repo = join(import.meta.dirname, '..', '..', '..');
const models = join(repo, 'public', 'models');
const defaultId = parseBundledModelIndex(
  JSON.parse(readFileSync(join(models, 'index.json'), 'utf8')),
  'index.json',
).default;
const shipped = (id: string) => {
  const checked = metadataFromModelJson(JSON.parse(readFileSync(join(models, id, 'model.json'), 'utf8')));
  if (!checked.ok) throw new Error(checked.message);
  return checked.metadata;
};

describe('modelSummary', () => {
  it('leads with the cross-validation of the shipped recipe: folds mean ± sd, the held-out site, recall by sign', () => {
    const s = modelSummary({
      validation: {
        crossValidation: {
          recipe: 'pre-scan-8k',
          shipped: 'resnet152',
          byArchitecture: {
            resnet18: { folds: 5, clipAccuracyMean: 0.7, clipAccuracySd: 0.1, clipRecallMean: {} },
            resnet152: {
              folds: 2,
              clipAccuracyMean: 0.75,
              clipAccuracySd: 0.05,
              heldOutSiteClipAccuracy: 0.6,
              heldOutSiteClips: 35,
              clipRecallMean: { a_lines: 0.8, b_lines: 0.5, pleural_effusion: null, consolidation: 0.9 },
            },
          },
        },
      },
    });
    expect(s.unmeasured).toBe(false);
    expect(s.crossValidation).toMatchObject({
      recipe: 'pre-scan-8k',
      architecture: 'resnet152',
      folds: 2,
      clipAccuracy: 0.75,
      clipAccuracySd: 0.05,
      siteClipAccuracy: 0.6,
      siteClips: 35,
    });
    expect(s.crossValidation!.perSign.map((p) => [p.classId, p.recall])).toEqual([
      ['a_lines', 0.8],
      ['b_lines', 0.5],
      ['consolidation', 0.9],
    ]);
    // The weakest sign on unseen clips is the lowest fold recall (B-lines here), named for the reader.
    expect(s.crossValidation!.weakest).toEqual({ classId: 'b_lines', name: 'B-lines', recall: 0.5 });
    expect(
      modelSummary({ validation: { crossValidation: { recipe: 'x', byArchitecture: {} } } }).crossValidation,
    ).toBeNull();
  });

  it('says which signs an unclear frame leans to when the read-out carries the training clips’ prior', () => {
    const priorCorrection = {
      trainingClips: 83,
      shares: { a_lines: 0.4217, b_lines: 0.1446, pleural_effusion: 0.1928, consolidation: 0.241 },
    };
    const s = modelSummary({ validation: { priorCorrection } });
    expect(s.leaning).toEqual({
      trainingClips: 83,
      shares: [
        { classId: 'a_lines', name: 'A-lines', share: 0.4217 },
        { classId: 'consolidation', name: 'Lung consolidation', share: 0.241 },
        { classId: 'pleural_effusion', name: 'Pleural effusion', share: 0.1928 },
        { classId: 'b_lines', name: 'B-lines', share: 0.1446 },
      ],
    });
    // A partial or missing prior says nothing rather than something wrong.
    const partial = { ...priorCorrection, shares: { a_lines: 0.5, b_lines: 0.5 } };
    expect(modelSummary({ validation: { priorCorrection: partial } }).leaning).toBeNull();
    expect(modelSummary({ validation: {} }).leaning).toBeNull();
  });

  it('reads real-scan accuracy, per sign, and the failure modes from a model’s metadata and card', () => {
    const s = modelSummary({
      validation: {
        realValidationFrameAccuracy: 0.6,
        realValidationClipAccuracy: 0.7,
        realValidationClips: 10,
        realValidationPerSign: {
          a_lines: { frames: 20, recall: 0.9, precision: 0.8 },
          b_lines: { frames: 10, recall: 0.4, precision: 0.5 },
        },
      },
      modelCard:
        '# Card\n\n## Known failure modes\n\n- **Misses small effusions**: often.\n- Linear probes. Rare.\n\n## Other\n- **not this**',
    });
    expect(s.realFrameAccuracy).toBe(0.6);
    expect(s.realClips).toBe(10);
    expect(s.perSign.map((p) => [p.classId, p.frames, p.recall])).toEqual([
      ['a_lines', 20, 0.9],
      ['b_lines', 10, 0.4],
    ]);
    expect(s.weakest?.classId).toBe('b_lines');
    expect(s.failures).toEqual(['Misses small effusions']);
    expect(s.unmeasured).toBe(false);
  });

  it('leads with scans from outside the training collection when the metadata has them', () => {
    const s = modelSummary({
      validation: {
        unseenScans: [
          { set: 'same collection, 4 signs', clips: 46, clipAccuracy: 0.609, frameAccuracy: 0.595 },
          { set: 'another site', clips: 170, clipAccuracy: 0.724 },
          { set: 'broken: no clips', clipAccuracy: 0.9 },
        ],
      },
    });
    expect(s.unseenScans).toEqual([
      { set: 'same collection, 4 signs', clips: 46, clipAccuracy: 0.609, frameAccuracy: 0.595 },
      { set: 'another site', clips: 170, clipAccuracy: 0.724, frameAccuracy: null },
    ]);
    expect(s.unmeasured).toBe(false);
  });

  it('says a model with no real-scan figures is unmeasured, rather than inventing numbers', () => {
    const s = modelSummary({ validation: { phantomTestAccuracy: 0.9 } });
    expect(s.unmeasured).toBe(true);
    expect(s.perSign).toEqual([]);
    expect(s.failures).toEqual([]);
    expect(modelSummary({}).unmeasured).toBe(true);
  });

  it('the bundled default model carries its own figures, and the test model none', () => {
    const s = modelSummary(shipped(defaultId));
    expect(s.unmeasured).toBe(false);
    // 2.0.0 was measured by clip-grouped cross-validation of its recipe (at least two folds, issue #20) and
    // a held-out site, with recall for every sign; the team's unseen-scan figures arrive after it lands.
    expect(s.crossValidation).not.toBeNull();
    expect(s.crossValidation!.folds).toBeGreaterThanOrEqual(2);
    expect(s.crossValidation!.siteClipAccuracy).toBeGreaterThan(0);
    expect(s.crossValidation!.perSign).toHaveLength(4);
    expect(s.crossValidation!.weakest).not.toBeNull();
    expect(s.failures.length).toBeGreaterThan(0);
    // 2.2.0 on: the read-out carries the sign prior of all 83 development clips, and says so.
    expect(s.leaning?.trainingClips).toBe(83);
    expect(s.leaning?.shares.map((x) => x.classId)[0]).toBe('a_lines');
    expect(modelSummary(shipped('fixture-tiny')).unmeasured).toBe(true);
    expect(modelSummary(shipped('fixture-tiny')).leaning).toBeNull();
  });

  it('finds no failure modes in a card without that section', () => {
    expect(knownFailures('# Card\n\n- **bold** line')).toEqual([]);
    expect(knownFailures(undefined)).toEqual([]);
  });
});
