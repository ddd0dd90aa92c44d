/**
 * Recovery warnings: every torn tail that open cuts off (or, read-only, skips) reaches
 * openStore's `onWarning` as one sentence naming the file, offset, bytes and why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, openStore } from '../../../src/index.js';
import { recordSize } from '../../../src/engines/bitcask/record-format.js';
import { contents, flipByte, open, tempDir } from './store-dir.js';

const DATA = '0000000001.data';
const HINT = '0000000001.hint';

/** A store of one data file whose last record (`c`) is not covered by the hint; returns where that record starts and ends. */
async function storeWithUnhintedTail(): Promise<{ dir: string; lastStart: number; end: number }> {
  const dir = tempDir('warn');
  const db = await open(dir);
  await db.set('a', 'value of a');
  await db.set('b', 'value of b');
  await db.set('c', 'the last value');
  await db.close();
  fs.rmSync(path.join(dir, HINT));
  const end = fs.statSync(path.join(dir, DATA)).size;
  return { dir, lastStart: end - recordSize(1, 'the last value'.length), end };
}

async function openCollecting(dir: string, readOnly = false): Promise<{ warnings: string[]; keys: string[] }> {
  const warnings: string[] = [];
  const db = await open(dir, {}, { readOnly, onWarning: (m) => warnings.push(m) });
  try {
    return { warnings, keys: [...(await contents(db)).keys()] };
  } finally {
    await db.close();
  }
}

describe('bitcask: recovery warnings', () => {
  it('a flipped bit in the last record is cut with a warning naming file, offset, bytes and the checksum', async () => {
    const { dir, lastStart, end } = await storeWithUnhintedTail();
    flipByte(path.join(dir, DATA), end - 2);
    const { warnings, keys } = await openCollecting(dir);
    expect(keys).toEqual(['a', 'b']);
    expect(warnings).toEqual([
      `cut ${end - lastStart} bytes off the end of ${DATA} at offset ${lastStart}: the last record fails its checksum (a write interrupted by a crash); the store holds every record before it`,
    ]);
    expect((await openCollecting(dir)).warnings).toEqual([]); // cut once, reported once
  });

  it('a last record cut short is reported as incomplete', async () => {
    const { dir, lastStart, end } = await storeWithUnhintedTail();
    fs.truncateSync(path.join(dir, DATA), end - 5);
    const { warnings } = await openCollecting(dir);
    expect(warnings).toEqual([
      `cut ${end - 5 - lastStart} bytes off the end of ${DATA} at offset ${lastStart}: the last record is incomplete (a write interrupted by a crash); the store holds every record before it`,
    ]);
  });

  it('a batch without its final record is reported as such', async () => {
    const dir = tempDir('warn-batch');
    const db = await open(dir);
    await db.set('a', 'A');
    const batchStart = fs.statSync(path.join(dir, DATA)).size;
    await db.batch([
      { type: 'set', key: 'x', value: 'X' },
      { type: 'set', key: 'y', value: 'Y' },
    ]);
    await db.close();
    fs.rmSync(path.join(dir, HINT));
    const cut = batchStart + recordSize(1, 1); // the first record of the batch whole, the last gone
    fs.truncateSync(path.join(dir, DATA), cut);
    const { warnings, keys } = await openCollecting(dir);
    expect(keys).toEqual(['a']);
    expect(warnings).toEqual([expect.stringContaining(`cut ${cut - batchStart} bytes off the end of ${DATA} at offset ${batchStart}: the last batch is missing its final record`)]);
  });

  it('a read-only open warns that it skipped the tail, and leaves the file alone', async () => {
    const { dir, lastStart, end } = await storeWithUnhintedTail();
    flipByte(path.join(dir, DATA), end - 2);
    const { warnings } = await openCollecting(dir, true);
    expect(warnings).toEqual([
      `skipped ${end - lastStart} bytes at the end of ${DATA} (the next writable open cuts them) at offset ${lastStart}: the last record fails its checksum (a write interrupted by a crash); the store holds every record before it`,
    ]);
    expect(fs.statSync(path.join(dir, DATA)).size).toBe(end);
  });

  it('a clean store gives no warning, and a throwing listener does not break the open', async () => {
    const { dir } = await storeWithUnhintedTail();
    expect((await openCollecting(dir)).warnings).toEqual([]);
    const damaged = await storeWithUnhintedTail();
    fs.truncateSync(path.join(damaged.dir, DATA), damaged.end - 1);
    let calls = 0;
    const db = await open(damaged.dir, {}, {
      onWarning: () => {
        calls++;
        throw new Error('listener failed');
      },
    });
    expect(calls).toBe(1);
    expect([...(await contents(db)).keys()]).toEqual(['a', 'b']);
    await db.close();
  });

  it('an onWarning that is not a function is INVALID_ARGUMENT', async () => {
    const dir = tempDir('warn-bad');
    const bad = { engine: 'bitcask', dir, onWarning: 'stderr' } as unknown as Parameters<typeof openStore>[0];
    await expect(openStore(bad)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
