/**
 * The fault-injection harness: a reference store built from a seeded history of sets,
 * overwrites, deletes and re-sets, fresh copies of it to damage one way each, and a check of
 * what the engine then serves against the history. The rule every fault test asserts: every
 * acknowledged write is served with the right bytes, or the open or the read fails with a
 * CORRUPTION KvsError that names the file; never a wrong value, never a silent loss, and a
 * refused open changes nothing on disk.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { ErrorCodes, isKvsError, KvsError, openStore, type KvsEngine, type OpenOptions } from '../../src/index.js';
import { tempStoreDir } from './temp-store-dir.js';

/** One operation of the history; `value` undefined is a delete. */
export interface HistoryOp {
  key: string;
  value: string | undefined;
}

export interface ReferenceStore {
  engine: string;
  options: Record<string, unknown>;
  /** The closed store, never opened again: copy it before damaging it. */
  dir: string;
  /** Every operation in the order it was acknowledged. */
  history: HistoryOp[];
  /** The state after the whole history: key -> value, deleted keys absent. */
  model: Map<string, string>;
  seed: number;
}

export interface BuildOptions {
  /** Distinct keys; default 10,000 (as in the pass: 12,225 operations). */
  keys?: number;
  /** Default 1. Printed by the tests that use it, so a failure can be replayed. */
  seed?: number;
  /** Operations per batch() call; default 1 (one set/delete per call). */
  batch?: number;
}

/** mulberry32: a small seeded PRNG, so a history can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The history: every key set once (values of 20..120 bytes), then a pass that overwrites about
 * 10%, deletes about 7.5% and re-sets a quarter of the deleted ones, in random order.
 */
export function makeHistory(keys: number, seed: number): HistoryOp[] {
  const random = seededRandom(seed);
  const value = (key: string, round: number): string => `${key}#${round}:`.padEnd(20 + Math.floor(random() * 100), String.fromCharCode(97 + Math.floor(random() * 26)));
  const name = (i: number): string => `key${String(i).padStart(6, '0')}`;
  const history: HistoryOp[] = [];
  for (let i = 0; i < keys; i++) history.push({ key: name(i), value: value(name(i), 0) });
  const deleted: string[] = [];
  const extra = Math.round(keys * 0.2225);
  for (let n = 0; n < extra; n++) {
    const roll = random();
    const key = name(Math.floor(random() * keys));
    if (roll < 0.45) history.push({ key, value: value(key, n + 1) });
    else if (roll < 0.79) {
      history.push({ key, value: undefined });
      deleted.push(key);
    } else if (deleted.length > 0) {
      const again = deleted[Math.floor(random() * deleted.length)]!;
      history.push({ key: again, value: value(again, n + 1) });
    } else history.push({ key, value: value(key, n + 1) });
  }
  return history;
}

/** The state after the first `n` operations of `history` (all of them by default). */
export function modelOf(history: readonly HistoryOp[], n = history.length): Map<string, string> {
  const model = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    if (op.value === undefined) model.delete(op.key);
    else model.set(op.key, op.value);
  }
  return model;
}

/** Builds and closes a reference store of `engine` (sync never: a clean close makes it durable). */
export async function buildReferenceStore(engine: string, options: Record<string, unknown> = {}, build: BuildOptions = {}): Promise<ReferenceStore> {
  const seed = build.seed ?? 1;
  const history = makeHistory(build.keys ?? 10_000, seed);
  const dir = path.join(tempStoreDir(`fault-ref-${engine}`), 'store');
  const db = await openStore({ engine, dir, sync: 'never', options });
  const per = build.batch ?? 1;
  for (let i = 0; i < history.length; i += per) {
    const ops = history.slice(i, i + per);
    if (per === 1) {
      const op = ops[0]!;
      if (op.value === undefined) await db.delete(op.key);
      else await db.set(op.key, op.value);
    } else {
      await db.batch(ops.map((op) => (op.value === undefined ? { type: 'delete', key: op.key } : { type: 'set', key: op.key, value: op.value })));
    }
  }
  await db.close();
  return { engine, options, dir, history, model: modelOf(history), seed };
}

/** A fresh copy of the reference store (subfolders too, LOCK left out) in a new temporary directory. */
export function freshCopy(ref: ReferenceStore, label = 'case'): string {
  const to = path.join(tempStoreDir(`fault-${ref.engine}-${label}`), 'store');
  fs.cpSync(ref.dir, to, { recursive: true, filter: (src) => path.basename(src) !== 'LOCK' });
  return to;
}

/**
 * Every file below `dir` (relative path -> sha1 of its bytes), LOCK files left out, and LevelDB's
 * info log (LOG, LOG.old): LevelDB rewrites it at every open attempt, and it holds no data.
 */
export function snapshotDir(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && entry.name !== 'LOCK' && !/^LOG(\.old)?$/.test(entry.name)) out.set(rel, createHash('sha1').update(fs.readFileSync(path.join(dir, rel))).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** The files of `dir` (relative paths below it) whose name matches `test`, sorted. */
export function filesOf(dir: string, test: RegExp): string[] {
  return [...snapshotDir(dir).keys()].filter((rel) => test.test(path.basename(rel))).sort();
}

/** What opening and reading a damaged store gave. */
export type Outcome =
  | { kind: 'refused'; error: KvsError; changed: string[]; warnings: string[] }
  | {
      kind: 'served';
      warnings: string[];
      /** Keys served with bytes other than the model's (a flipped, stale or resurrected value). */
      wrong: string[];
      /** Keys of the model that were not served, without an error. */
      missing: string[];
      /** Keys served that the model does not hold (deleted keys come back). */
      resurrected: string[];
      /** CORRUPTION errors met by individual reads, count or scan (each must name its file). */
      readErrors: KvsError[];
      count: number | KvsError;
    };

export interface CheckOptions {
  /** Open read-only (no lock, no writes); default false (a writable open, the one that may "repair"). */
  readOnly?: boolean;
  extra?: Omit<OpenOptions, 'dir' | 'engine' | 'options' | 'readOnly' | 'onWarning'>;
}

/**
 * Opens the store at `dir` and reads every key of `expected` (and of `everKeys`, to catch
 * resurrections), then count and a full scan. A KvsError from the open is a `refused` outcome,
 * with the files the attempt changed; any other exception is rethrown.
 */
export async function openAndRead(ref: ReferenceStore, dir: string, expected: Map<string, string>, check: CheckOptions = {}): Promise<Outcome> {
  const warnings: string[] = [];
  const before = snapshotDir(dir);
  let db: KvsEngine;
  try {
    db = await openStore({ engine: ref.engine, dir, options: ref.options, readOnly: check.readOnly === true, onWarning: (m) => warnings.push(m), ...check.extra });
  } catch (err) {
    if (!(err instanceof KvsError)) throw err;
    const after = snapshotDir(dir);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
    return { kind: 'refused', error: err, changed, warnings };
  }
  const wrong: string[] = [];
  const missing: string[] = [];
  const resurrected: string[] = [];
  const readErrors: KvsError[] = [];
  const note = (err: unknown): void => {
    if (isKvsError(err, ErrorCodes.CORRUPTION)) readErrors.push(err);
    else throw err;
  };
  try {
    const everKeys = new Set(ref.history.map((op) => op.key));
    for (const key of everKeys) {
      try {
        const got = await db.get(key);
        const want = expected.get(key);
        if (got === undefined && want !== undefined) missing.push(key);
        else if (got !== undefined && want === undefined) resurrected.push(key);
        else if (got !== undefined && got.toString('latin1') !== want) wrong.push(key);
      } catch (err) {
        note(err);
      }
    }
    let count: number | KvsError;
    try {
      count = await db.count();
    } catch (err) {
      note(err);
      count = err as KvsError;
    }
    try {
      for await (const [k, v] of db.scan()) {
        const key = k.toString('latin1');
        const want = expected.get(key);
        if (want === undefined) {
          if (!resurrected.includes(key)) resurrected.push(key);
        } else if (v.toString('latin1') !== want && !wrong.includes(key)) wrong.push(key);
      }
    } catch (err) {
      note(err);
    }
    return { kind: 'served', warnings, wrong, missing, resurrected, readErrors, count };
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** Asserts that `err` is CORRUPTION and names a file (details.file), and its offset when `offset` is true. */
export function expectCorruptionNamingFile(err: KvsError, offset = false): void {
  expect(err.code, err.message).toBe(ErrorCodes.CORRUPTION);
  expect(typeof err.details.file, `details.file of: ${err.message}`).toBe('string');
  expect(err.message).toContain(path.basename(String(err.details.file)));
  if (offset) expect(typeof err.details.offset, `details.offset of: ${err.message}`).toBe('number');
}

/**
 * The trust rule for one damaged copy: either the open is refused with CORRUPTION naming the
 * file and nothing on disk changed, or every key is served with exactly the `expected` bytes
 * except those whose reads failed with CORRUPTION naming the file (never a wrong, missing or
 * resurrected key without an error).
 */
export function expectTrustworthy(outcome: Outcome, expected: Map<string, string>): void {
  if (outcome.kind === 'refused') {
    expectCorruptionNamingFile(outcome.error);
    expect(outcome.changed, 'a refused open must change nothing on disk').toEqual([]);
    return;
  }
  for (const err of outcome.readErrors) expectCorruptionNamingFile(err);
  // Reads may fail where the damage is; what is served, beside it or not, must be right.
  expect({ wrong: outcome.wrong, missing: outcome.missing, resurrected: outcome.resurrected }).toEqual({ wrong: [], missing: [], resurrected: [] });
  if (typeof outcome.count === 'number') expect(outcome.count).toBe(expected.size);
}
