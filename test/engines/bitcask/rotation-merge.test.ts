/**
 * Rotation of the active file and merges (merge.ts, merge-policy.ts): what a merge keeps and
 * drops, every on-disk state a crash during a merge can leave, the automatic policy's bound
 * on disk use, and writes issued while a merge runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describe, it, expect } from 'vitest';
import { ErrorCodes, type KvsEngine } from '../../../src/index.js';
import { UNPUBLISHED_SUFFIX } from '../../../src/engines/bitcask/data-file.js';
import { parseFileName } from '../../../src/engines/bitcask/file-names.js';
import { FILE_SET, writeFileSet } from '../../../src/engines/bitcask/file-set.js';
import { recordSize } from '../../../src/engines/bitcask/record-format.js';
import { contents, contentsOf, copyStore, dataFiles, directoryBytes, fileSize, flipByte, open, recordsIn, sorted, tempDir } from './store-dir.js';

const SMALL = { maxFileSize: 1024, autoMerge: false };

/** Applies a write to the store and to the model. */
async function put(db: KvsEngine, model: Map<string, string>, key: string, value: string | null): Promise<void> {
  if (value === null) {
    await db.delete(key);
    model.delete(key);
  } else {
    await db.set(key, value);
    model.set(key, value);
  }
}

const hintOf = (data: string): string => data.replace(/\.data$/, '.hint');
const pad = (s: string, n = 40): string => s.padEnd(n, '.');

/** Which data files (by name) hold a record of `key`, as put or tombstone. */
function whereIs(dir: string, key: string): { puts: string[]; tombstones: string[] } {
  const puts: string[] = [];
  const tombstones: string[] = [];
  for (const f of dataFiles(dir)) {
    for (const r of recordsIn(path.join(dir, f))) {
      if (r.key !== key) continue;
      (r.tombstone ? tombstones : puts).push(f);
    }
  }
  return { puts, tombstones };
}

describe('rotation', () => {
  it('rotation starts a new file once maxFileSize would be exceeded', async () => {
    const dir = tempDir('rotate');
    const db = await open(dir, { maxFileSize: 4096, autoMerge: false });
    const rec = recordSize(4, 79);
    expect(rec).toBe(100);
    const perFile = Math.floor(4096 / rec); // 40: a 41st record would make 4100 bytes
    const model = new Map<string, string>();
    for (let i = 0; i < 100; i++) await put(db, model, `k${String(i).padStart(3, '0')}`, 'v'.repeat(79));
    await put(db, model, 'big!', 'B'.repeat(6000)); // larger than maxFileSize: a file of its own
    for (let i = 100; i < 150; i++) await put(db, model, `k${String(i).padStart(3, '0')}`, 'v'.repeat(79));
    await db.batch([
      { type: 'set', key: 'bat1', value: 'x'.repeat(3000) },
      { type: 'set', key: 'bat2', value: 'y'.repeat(3000) },
    ]); // a batch is never split across files
    model.set('bat1', 'x'.repeat(3000)).set('bat2', 'y'.repeat(3000));
    await put(db, model, 'k999', 'v'.repeat(79));
    await db.close();

    const files = dataFiles(dir);
    const summary = files.map((f) => ({ file: f, bytes: fileSize(path.join(dir, f)), records: recordsIn(path.join(dir, f)) }));
    const oversized = summary.filter((s) => s.bytes > 4096);
    expect(oversized.map((s) => s.records.map((r) => r.key))).toEqual([['big!'], ['bat1', 'bat2']]);
    // Files of fixed-size records fill up exactly to the last record that fits, never earlier.
    expect(summary[0]!.bytes).toBe(perFile * rec);
    expect(summary[1]!.bytes).toBe(perFile * rec);
    const bigAt = summary.findIndex((s) => s.records[0]?.key === 'big!');
    expect(summary[bigAt - 1]!.bytes).toBe((100 - 2 * perFile) * rec); // rotated early only because 'big!' did not fit
    expect(await contentsOf(dir, { maxFileSize: 4096 })).toEqual(sorted(model));
  });
});

describe('merge', () => {
  /** Sealed files full of overwrites, plus `doomed` set in the first file and deleted in a later sealed one. */
  async function overwrittenStore(): Promise<{ dir: string; model: Map<string, string> }> {
    const dir = tempDir('merge');
    const model = new Map<string, string>();
    const db = await open(dir, SMALL);
    await put(db, model, 'doomed', pad('set in the first file'));
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 20; i++) await put(db, model, `key-${String(i).padStart(2, '0')}`, pad(`round ${round} value ${i}`));
      if (round === 1) await put(db, model, 'doomed', null);
      if (round === 2) await put(db, model, 'key-07', null);
    }
    await put(db, model, 'fresh', pad('in the active file'));
    await db.close();
    const files = dataFiles(dir);
    const doomed = whereIs(dir, 'doomed');
    expect(doomed.puts).toEqual([files[0]]);
    expect(doomed.tombstones).toHaveLength(1);
    expect(files.indexOf(doomed.tombstones[0]!)).toBeGreaterThan(0);
    expect(files.indexOf(doomed.tombstones[0]!)).toBeLessThan(files.length - 1); // in a sealed file
    expect(whereIs(dir, 'fresh').puts).toEqual([files.at(-1)]);
    return { dir, model: sorted(model) };
  }

  it('merge keeps the latest value of every key', async () => {
    const { dir, model } = await overwrittenStore();
    const inputs = dataFiles(dir);
    const db = await open(dir, SMALL);
    const result = await db.compact();
    expect(result.details.filesMerged).toBe(inputs.length); // the active file is sealed and merged too
    expect(result.details.recordsCopied).toBe(model.size);
    expect(await contents(db)).toEqual(model);
    await db.close();
    expect(dataFiles(dir).filter((f) => inputs.includes(f))).toEqual([]);
    expect(await contentsOf(dir, SMALL)).toEqual(model);
  });

  it('deleted keys stay deleted after merge and reopen', async () => {
    const { dir, model } = await overwrittenStore();
    const db = await open(dir, SMALL);
    await db.compact();
    expect(await db.get('doomed')).toBeUndefined();
    await db.close();
    // Neither the put nor the tombstone survives anywhere on disk.
    expect(whereIs(dir, 'doomed')).toEqual({ puts: [], tombstones: [] });
    const again = await open(dir, SMALL);
    expect(await again.get('doomed')).toBeUndefined();
    expect(await contents(again)).toEqual(model);
    await again.close();
  });

  it('merge drops tombstones and reclaims space', async () => {
    const { dir, model } = await overwrittenStore();
    const before = directoryBytes(dir);
    const db = await open(dir, SMALL);
    const result = await db.compact();
    await db.close();
    const after = directoryBytes(dir);
    expect(after).toBeLessThan(before / 2);
    expect(result.reclaimedBytes).toBe(result.bytesBefore - result.bytesAfter);
    expect(result.reclaimedBytes).toBeGreaterThan(0);
    const records = dataFiles(dir).flatMap((f) => recordsIn(path.join(dir, f)));
    expect(records.filter((r) => r.tombstone)).toEqual([]);
    expect(records.map((r) => r.key).sort()).toEqual([...model.keys()].sort()); // one record per live key
    const liveBytes = [...model].reduce((s, [k, v]) => s + recordSize(k.length, v.length), 0);
    expect(dataFiles(dir).reduce((s, f) => s + fileSize(path.join(dir, f)), 0)).toBe(liveBytes);
  });

  it('crash between merge steps: every intermediate directory reopens to the same contents', async () => {
    const { dir: s0, model } = await overwrittenStore();
    const inputs = dataFiles(s0); // every S0 file is an input: compact seals the active file first
    const s1 = copyStore(s0, 's1');
    const db = await open(s1, SMALL);
    await db.compact();
    await db.close();
    const s1Files = fs.readdirSync(s1).filter((n) => parseFileName(n) !== undefined);
    const outputs = dataFiles(s1).filter((f) => parseFileName(f)!.id.minor > 0);
    const lastInput = parseFileName(inputs.at(-1)!)!.id;
    expect(outputs[0]).toBe(`${String(lastInput.major).padStart(10, '0')}-0001.data`);
    expect(inputs.every((f) => !fs.existsSync(path.join(s1, f)))).toBe(true);

    /** A directory holding the S0 files except `drop` (and their hints), plus the S1 files `add` (under `suffix`, for unpublished outputs). */
    const mixed = (drop: string[], add: string[], label: string, suffix = ''): string => {
      const dir = copyStore(s0, label);
      for (const f of drop) {
        fs.rmSync(path.join(dir, f));
        fs.rmSync(path.join(dir, hintOf(f)), { force: true });
      }
      for (const f of add) fs.copyFileSync(path.join(s1, f), path.join(dir, f + suffix));
      return dir;
    };
    /** Reopens, compares, compacts, compares again after another reopen. */
    const expectModel = async (dir: string, what: string): Promise<void> => {
      expect(await contentsOf(dir, SMALL), what).toEqual(model);
      const again = await open(dir, SMALL);
      await again.compact();
      expect(await contents(again), `${what}, compacted`).toEqual(model);
      await again.close();
      expect(await contentsOf(dir, SMALL), `${what}, compacted and reopened`).toEqual(model);
    };

    // (a) merge crashed while writing output j: outputs are still unpublished (NAME.data.tmp-merge),
    // earlier ones whole but without hints (hints are written only once every output is synced),
    // output j torn mid-record, no later outputs.
    expect(outputs.length).toBeGreaterThan(1);
    const newActive = s1Files.filter((f) => f.endsWith('.data') && parseFileName(f)!.id.minor === 0);
    /**
     * FILESET as the merge leaves it: after sealing the active file (inputs SEALED, the new active
     * file ACTIVE), then once the outputs are published (inputs MERGED, outputs SEALED).
     */
    const withFileSet = (dir: string, published: boolean): string => {
      const entry = (f: string, state: 'sealed' | 'active' | 'merged') => ({ id: parseFileName(f)!.id, state, size: fileSize(path.join(inputs.includes(f) ? s0 : s1, f)) });
      const entries = [...inputs.map((f) => entry(f, published ? 'merged' : 'sealed')), ...(published ? outputs : []).map((f) => entry(f, 'sealed')), ...newActive.map((f) => entry(f, 'active'))];
      writeFileSet(dir, { generation: 1000, entries });
      return dir;
    };
    const inputsMerged = (dir: string): string => withFileSet(dir, true);
    for (let j = 0; j < outputs.length; j++) {
      const outRecords = recordsIn(path.join(s1, outputs[j]!));
      expect(outRecords.length).toBeGreaterThan(3);
      for (const r of outRecords) {
        const dir = mixed([], outputs.slice(0, j + 1), 'a', UNPUBLISHED_SUFFIX);
        for (const f of newActive) fs.copyFileSync(path.join(s1, f), path.join(dir, f));
        withFileSet(dir, false);
        fs.truncateSync(path.join(dir, outputs[j]! + UNPUBLISHED_SUFFIX), r.offset + Math.floor(r.size / 2));
        await expectModel(dir, `(a) output ${outputs[j]} torn inside the record at ${r.offset}`);
      }
    }

    // (b) merge wrote and synced all outputs and hints, crashed before deleting any input.

    // (b) merge wrote and synced all outputs and hints and published them, crashed before
    // FILESET said so (the outputs are unlisted: moved to lost/, the inputs decide), or after
    // (the inputs are MERGED: the outputs decide, and the inputs are deleted).
    await expectModel(withFileSet(mixed([], s1Files, 'b'), false), '(b) all inputs and all outputs, FILESET not yet updated');
    await expectModel(inputsMerged(mixed([], s1Files, 'b-merged')), '(b) all inputs and all outputs, inputs MERGED');

    // (b') crashed while writing the hints of the outputs (before publishing): the last output's hint is torn.
    const tornHint = mixed([], outputs, 'b-hint', UNPUBLISHED_SUFFIX);
    for (const f of [...newActive, ...outputs.map(hintOf)]) fs.copyFileSync(path.join(s1, f), path.join(tornHint, f));
    withFileSet(tornHint, false);
    const lastOutHint = path.join(tornHint, hintOf(outputs.at(-1)!));
    fs.truncateSync(lastOutHint, fileSize(lastOutHint) - 3);
    await expectModel(tornHint, "(b') unpublished outputs, the last one's hint torn");

    // (c) crashed while deleting inputs oldest first: k inputs gone; also with the next input's hint already gone.
    for (let k = 0; k <= inputs.length; k++) {
      await expectModel(inputsMerged(mixed(inputs.slice(0, k), s1Files, 'c')), `(c) oldest ${k} inputs deleted`);
      if (k < inputs.length) {
        const dir = inputsMerged(mixed(inputs.slice(0, k), s1Files, 'c-hint'));
        fs.rmSync(path.join(dir, hintOf(inputs[k]!)));
        await expectModel(dir, `(c) oldest ${k} inputs deleted and the hint of the next`);
      }
    }

    // Why oldest first (for a store without FILESET, written before file sets, where every file
    // present is loaded): deleting the newest inputs first drops the tombstone of 'doomed' while
    // its put (in the oldest input) remains, and no merge output hides it.
    const tombstoneFile = whereIs(s0, 'doomed').tombstones[0]!;
    const newestFirst = inputs.slice(inputs.indexOf(tombstoneFile));
    const legacy = mixed(newestFirst, s1Files, 'wrong-order');
    fs.rmSync(path.join(legacy, FILE_SET));
    const wrongOrder = await contentsOf(legacy, SMALL);
    expect(wrongOrder.get('doomed')).toBe(pad('set in the first file'));
    expect(wrongOrder).not.toEqual(model);
  });

  it('a merge that meets a corrupt live record fails with CORRUPTION and loses nothing', async () => {
    const { dir, model } = await overwrittenStore();
    const active = dataFiles(dir).at(-1)!;
    const victim = recordsIn(path.join(dir, active))[1]!; // live: the active file holds only latest records
    flipByte(path.join(dir, active), victim.offset + victim.size - 1); // its value; the hint still covers it
    const db = await open(dir, SMALL);
    await expect(db.compact()).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file: active, offset: victim.offset } });
    await expect(db.get(victim.key)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    // The merge had copied records before it failed: those keys are pointed back at their
    // inputs (which are kept) and the partial output is deleted at once, giving its space back.
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(dataFiles(dir).filter((f) => parseFileName(f)!.id.minor > 0)).toEqual([]);
    const others = [...model].filter(([k]) => k !== victim.key);
    for (const [k, v] of others) expect((await db.get(k))?.toString(), k).toBe(v);
    await db.set('after', 'failed merge');
    await db.close();

    const again = await open(dir, SMALL);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const [k, v] of others) expect((await again.get(k))?.toString(), k).toBe(v);
    expect((await again.get('after'))?.toString()).toBe('failed merge');
    expect(await again.count()).toBe(model.size + 1);
    await again.close();
  });

  it('automatic merge keeps an overwritten store bounded', async () => {
    const dir = tempDir('auto');
    const options = { maxFileSize: 16 * 1024, mergeMinDeadBytes: 0 };
    const db = await open(dir, options);
    const model = new Map<string, string>();
    let maxBytes = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 200; i++) {
        await put(db, model, `key-${String(i).padStart(3, '0')}`, pad(`round ${round} key ${i}`, 100));
        if (i % 20 === 19) await yieldToEventLoop(); // a real caller yields now and then; merges run in those gaps
      }
      maxBytes = Math.max(maxBytes, directoryBytes(dir));
    }
    const stats = await db.stats();
    await db.close();
    const liveBytes = [...model].reduce((s, [k, v]) => s + recordSize(k.length, v.length), 0);
    const written = 50 * liveBytes;
    const bound = 4 * liveBytes + 2 * options.maxFileSize;
    expect(stats.mergesSinceOpen as number).toBeGreaterThan(0);
    expect(directoryBytes(dir)).toBeLessThan(bound);
    expect(maxBytes).toBeLessThan(bound);
    expect(maxBytes).toBeLessThan(written / 10);
    expect(await contentsOf(dir, options)).toEqual(sorted(model));
  });

  it('writes during a merge are not lost', async () => {
    const dir = tempDir('concurrent');
    const db = await open(dir, SMALL);
    const model = new Map<string, string>();
    const key = (i: number): string => `key-${String(i).padStart(2, '0')}`;
    for (let round = 0; round < 3; round++) for (let i = 0; i < 60; i++) await put(db, model, key(i), pad(`round ${round} ${i}`));
    const filesBefore = dataFiles(dir).length;
    expect(filesBefore).toBeGreaterThan(10);

    let merged = false;
    const compaction = db.compact().then((r) => {
      merged = true;
      return r;
    });
    // Writes issued while the merge is between input files: overwrite, delete, re-create, add.
    let writesWhileMerging = 0;
    // Keys in a scattered order, so some are written before the merge reaches their record
    // (not copied) and some after it copied them (the output holds a value older than the write).
    for (let step = 0; step < 400 && !merged; step++) {
      const i = (step * 7) % 60;
      const op = step % 4;
      const pending = op === 1 ? put(db, model, key(i), null) : put(db, model, op === 3 ? `new-${step}` : key(i), pad(`during merge ${step}`));
      await pending;
      if (!merged) writesWhileMerging++;
      if (step % 2 === 1) await yieldToEventLoop();
    }
    const result = await compaction;
    expect(writesWhileMerging).toBeGreaterThan(5);
    expect(result.details.filesMerged as number).toBeGreaterThan(5);
    expect(await contents(db)).toEqual(sorted(model));
    await db.close();
    expect(await contentsOf(dir, SMALL)).toEqual(sorted(model));
  });
});
