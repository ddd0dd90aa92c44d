/**
 * Damage that open cannot see (a record covered by a hint is not re-read at open) surfaces on
 * read as CORRUPTION naming the file and offset, with advice that holds: restore the file, or
 * delete its hint so that the next open rescans it and reports the damage itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/index.js';
import { recordSize } from '../../../src/engines/bitcask/record-format.js';
import { contents, flipByte, open, tempDir } from './store-dir.js';

const DATA = '0000000001.data';
const HINT = '0000000001.hint';
const VALUE = 'a value long enough to flip a byte in';

/** Five records in one hint-covered data file; returns the offset of record `i`. */
async function hintedStore(): Promise<{ dir: string; offsetOf: (i: number) => number }> {
  const dir = tempDir('read-corrupt');
  const db = await open(dir);
  for (const k of ['a', 'b', 'c', 'd', 'e']) await db.set(k, VALUE);
  await db.close();
  expect(fs.existsSync(path.join(dir, HINT))).toBe(true);
  return { dir, offsetOf: (i) => i * recordSize(1, VALUE.length) };
}

async function caught(p: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('bitcask: corruption found by a read', () => {
  it('a flipped byte in a hint-covered record: get and scan name file and offset, and advise restoring it or deleting the hint', async () => {
    const { dir, offsetOf } = await hintedStore();
    flipByte(path.join(dir, DATA), offsetOf(2) + 25); // inside c's value
    const db = await open(dir);
    try {
      expect((await db.get('b'))?.toString()).toBe(VALUE); // other records still read
      for (const err of [await caught(db.get('c')), await caught(contents(db))]) {
        expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file: DATA, offset: offsetOf(2) } });
        expect(err.message).toContain(`bitcask data file ${DATA} is corrupt at byte offset ${offsetOf(2)}: checksum mismatch`);
        expect(err.message).toContain(`Restore ${DATA} from a backup`);
        expect(err.message).toContain(`delete ${HINT}`);
      }
    } finally {
      await db.close();
    }
  });

  it('the advice holds: without the hint, the next open refuses with where the damage starts and where valid records resume', async () => {
    const { dir, offsetOf } = await hintedStore();
    flipByte(path.join(dir, DATA), offsetOf(2) + 25);
    fs.rmSync(path.join(dir, HINT));
    const err = await caught(open(dir));
    expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file: DATA, offset: offsetOf(2), nextValidOffset: offsetOf(3) } });
  });

  it('the advice holds: a damaged last record is cut on the next open, with a warning', async () => {
    const { dir, offsetOf } = await hintedStore();
    flipByte(path.join(dir, DATA), offsetOf(4) + 25);
    const first = await open(dir);
    expect((await caught(first.get('e'))).message).toContain(`delete ${HINT}`);
    await first.close();
    fs.rmSync(path.join(dir, HINT));
    const warnings: string[] = [];
    const db = await open(dir, {}, { onWarning: (m) => warnings.push(m) });
    expect([...(await contents(db)).keys()]).toEqual(['a', 'b', 'c', 'd']);
    await db.close();
    expect(warnings).toEqual([expect.stringContaining(`off the end of ${DATA} at offset ${offsetOf(4)}: the last record fails its checksum`)]);
  });
});
