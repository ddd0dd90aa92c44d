/**
 * Faults in the lsm write-ahead log: damage with a valid record anywhere after it is CORRUPTION
 * naming the WAL and the offset (before: a flipped length field dropped the records after it as a
 * "torn tail"); only damage at the very end of the newest WAL holding records, with nothing valid
 * after it, is a torn tail, cut and reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { logPath, parseFileName } from '../../src/engines/lsm/file-names.js';
import { EntryKind } from '../../src/engines/lsm/entry.js';
import { HEADER_SIZE, LENGTH_OFFSET } from '../../src/engines/lsm/wal/wal-format.js';
import { LogWriter } from '../../src/engines/lsm/wal/wal-writer.js';
import { encodeBatch } from '../../src/engines/lsm/wal/write-batch.js';
import { flipByte } from '../support/temp-store-dir.js';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, freshCopy, modelOf, openAndRead, snapshotDir, type ReferenceStore } from '../support/fault-store.js';
import { LSM_OPTIONS, newest, recordsOf, WAL } from './lsm-support.js';

let ref: ReferenceStore;
beforeAll(async () => {
  ref = await buildReferenceStore('lsm', LSM_OPTIONS);
}, 120_000);

async function expectRefusedNaming(dir: string, file: string, offset: number): Promise<void> {
  const before = snapshotDir(dir);
  for (const readOnly of [false, true]) {
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') continue;
    expectCorruptionNamingFile(outcome.error, true);
    expect(outcome.error.details).toMatchObject({ file: path.basename(file), offset });
  }
  expect(snapshotDir(dir)).toEqual(before);
}

describe('lsm: a damaged WAL record', () => {
  it('the newest WAL of the reference store holds enough records to damage one in the middle', () => {
    expect(recordsOf(newest(freshCopy(ref), WAL)).length).toBeGreaterThan(12);
  });

  for (const back of [10, 2]) {
    it(`a flipped length field ${back} records before the end: CORRUPTION naming the WAL and offset, the records after it are not dropped`, async () => {
      const dir = freshCopy(ref, 'wal-length');
      const wal = newest(dir, WAL);
      const rec = recordsOf(wal).at(-back)!;
      flipByte(wal, rec.offset + LENGTH_OFFSET);
      await expectRefusedNaming(dir, wal, rec.offset);
    });
  }

  it('a flipped byte inside a record with records after it: CORRUPTION naming the WAL and offset', async () => {
    const dir = freshCopy(ref, 'wal-payload');
    const wal = newest(dir, WAL);
    const rec = recordsOf(wal).at(-5)!;
    flipByte(wal, rec.offset + HEADER_SIZE + Math.floor(rec.length / 2));
    await expectRefusedNaming(dir, wal, rec.offset);
  });

  it('damage in the very last record of the newest WAL is a torn tail: cut, reported, every earlier write served', async () => {
    const dir = freshCopy(ref, 'wal-last');
    const wal = newest(dir, WAL);
    const rec = recordsOf(wal).at(-1)!;
    flipByte(wal, rec.offset + HEADER_SIZE + 2);
    const expected = modelOf(ref.history, ref.history.length - 1);
    const outcome = await openAndRead(ref, dir, expected);
    expectTrustworthy(outcome, expected);
    expect(outcome.warnings.join('\n')).toContain(`off the end of ${path.basename(wal)} at offset ${rec.offset}`);
    expect(fs.statSync(wal).size).toBe(rec.offset); // the tail is cut before new records are appended
    expectTrustworthy(await openAndRead(ref, dir, expected), expected);
  });

  it('a torn tail in a WAL followed by a newer WAL holding records is CORRUPTION: the older WAL was complete once', async () => {
    const dir = freshCopy(ref, 'wal-older');
    const wal = newest(dir, WAL);
    const recs = recordsOf(wal);
    const last = recs.at(-1)!;
    // A newer WAL holding one write after everything else (as after a memtable switch).
    const number = Math.max(...fs.readdirSync(dir).map((n) => parseFileName(n)?.number ?? 0)) + 1;
    const next = LogWriter.create(logPath(dir, number));
    next.append(encodeBatch(10_000_000, [{ kind: EntryKind.VALUE, key: Buffer.from('zz-later'), value: Buffer.from('later') }]));
    next.close();
    fs.truncateSync(wal, last.offset + HEADER_SIZE + Math.floor(last.length / 2));
    await expectRefusedNaming(dir, wal, last.offset);
  });
});
