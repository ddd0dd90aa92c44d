/** The fault-injection harness itself: its history is reproducible and its checks can fail. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReferenceStore, expectTrustworthy, freshCopy, makeHistory, modelOf, openAndRead } from '../support/fault-store.js';

describe('fault harness', () => {
  it('the default history is 12,225 operations over 10,000 keys, the same for the same seed', () => {
    const history = makeHistory(10_000, 1);
    expect(history.length).toBe(12_225);
    expect(new Set(history.map((op) => op.key)).size).toBe(10_000);
    expect(makeHistory(10_000, 1)).toEqual(history);
    expect(makeHistory(10_000, 2)).not.toEqual(history);
    const model = modelOf(history);
    expect(model.size).toBeLessThan(10_000); // some keys end deleted
    expect(history.some((op, i) => op.value !== undefined && history.slice(0, i).some((o) => o.key === op.key && o.value === undefined))).toBe(true); // re-sets
  });

  it('an undamaged copy is served exactly; a copy holding an older state is caught as stale', async () => {
    const ref = await buildReferenceStore('bitcask', {}, { keys: 500 });
    expectTrustworthy(await openAndRead(ref, freshCopy(ref), ref.model), ref.model);
    const older = modelOf(ref.history, ref.history.length - 40);
    const outcome = await openAndRead(ref, freshCopy(ref), older);
    expect(() => expectTrustworthy(outcome, older)).toThrow();
  });

  it('a refused open is reported with the files the attempt changed', async () => {
    const ref = await buildReferenceStore('bitcask', {}, { keys: 50 });
    const dir = freshCopy(ref);
    fs.writeFileSync(path.join(dir, 'kvs-store.json'), '{"engine":"lsm","markerVersion":1}\n');
    const outcome = await openAndRead(ref, dir, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', changed: [], error: { code: 'ENGINE_MISMATCH' } });
    expect(() => expectTrustworthy(outcome, ref.model)).toThrow(); // ENGINE_MISMATCH is not CORRUPTION
  });
});

describe('the store marker', () => {
  it('a flipped byte in the engine name is CORRUPTION naming kvs-store.json, not ENGINE_MISMATCH', async () => {
    const ref = await buildReferenceStore('bitcask', {}, { keys: 50 });
    const dir = freshCopy(ref);
    const file = path.join(dir, 'kvs-store.json');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('bitcask', 'bhtcask'));
    const outcome = await openAndRead({ ...ref, engine: 'bitcask' }, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION', details: { file: 'kvs-store.json' } } });
  });

  it('a marker without a checksum (written by an older kvs) still opens', async () => {
    const ref = await buildReferenceStore('bitcask', {}, { keys: 50 });
    const dir = freshCopy(ref);
    fs.writeFileSync(path.join(dir, 'kvs-store.json'), '{"engine":"bitcask","markerVersion":1}\n');
    expectTrustworthy(await openAndRead(ref, dir, ref.model), ref.model);
  });
});
