// The bundled-model list is checked once: the shipped index.json passes, and each kind of break is named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledModelEntry, parseBundledModelIndex } from './modelIndex';

const shippedPath = join(import.meta.dirname, '..', '..', '..', 'public', 'models', 'index.json');

describe('bundled model list', () => {
  it('reads the shipped list: its default is listed, test models are marked', () => {
    const index = parseBundledModelIndex(JSON.parse(readFileSync(shippedPath, 'utf8')), 'index.json');
    expect(index.models.map((m) => m.id)).toContain(index.default);
    expect(bundledModelEntry(index, 'index.json').id).toBe(index.default);
    expect(index.models.find((m) => m.id === 'fixture-tiny')?.test).toBe(true);
  });

  it('names the file and what is wrong', () => {
    const model = { id: 'a', path: 'a/model.json' };
    expect(() => parseBundledModelIndex([], 'x.json')).toThrow('x.json is not a model list');
    expect(() => parseBundledModelIndex({ default: 'a' }, 'x.json')).toThrow('x.json lists no models');
    expect(() => parseBundledModelIndex({ default: 'a', models: [{ id: 'a' }] }, 'x.json')).toThrow(
      'x.json lists a model without an id and a path',
    );
    expect(() => parseBundledModelIndex({ models: [model] }, 'x.json')).toThrow(
      'x.json names no default model',
    );
    expect(() => parseBundledModelIndex({ default: 'b', models: [model] }, 'x.json')).toThrow(
      'x.json names a default model (b) that it does not list',
    );
    const index = parseBundledModelIndex({ default: 'a', models: [model] }, 'x.json');
    expect(() => bundledModelEntry(index, 'x.json', 'b')).toThrow('x.json lists no model b');
  });
});
