/**
 * Helpers for the lsm fault tests: the reference store's settings (small memtables and tables, so
 * that the 12,225-operation history leaves many tables, compactions and manifest edits behind), and
 * where the records of a log file (WAL or manifest) start, read with the engine's own reader.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLog } from '../../src/engines/lsm/wal/wal-reader.js';
import { filesOf } from '../support/fault-store.js';

export const LSM_OPTIONS = { memtableSize: 64 * 1024, targetFileSize: 64 * 1024, level1MaxBytes: 256 * 1024 };

/** The start offset and payload length of every record of log `file`. */
export function recordsOf(file: string): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  readLog(file, fs.readFileSync(file), (payload, offset) => out.push({ offset, length: payload.length }));
  return out;
}

/** Path of the newest file of `dir` whose name matches `test` (numbered names sort by number). */
export function newest(dir: string, test: RegExp): string {
  const names = filesOf(dir, test);
  if (names.length === 0) throw new Error(`no file matching ${test} in ${dir}`);
  return path.join(dir, names.at(-1)!);
}

export const WAL = /^\d+\.log$/;
export const TABLE = /^\d+\.sst$/;
export const MANIFEST = /^MANIFEST-\d+$/;
