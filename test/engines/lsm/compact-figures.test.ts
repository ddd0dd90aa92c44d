/**
 * compact()'s byte figures (`kvs compact --json`) agree with stats' diskBytes and with the bytes
 * of the files left once the store is closed (issue 17: bytesAfter said 608 while stats and du
 * said 548, the lock's bytes), and overlapping compact() calls each report figures of their own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { open, pad, tempDir } from './store-dir.js';

const filesBytes = (dir: string): number =>
  fs.readdirSync(dir).reduce((n, name) => {
    const st = fs.statSync(path.join(dir, name));
    return n + (st.isFile() ? st.size : 0);
  }, 0);

describe('lsm compact() figures', () => {
  it('bytesAfter equals stats diskBytes and the bytes on disk after close', async () => {
    const dir = tempDir('compact-figures');
    const db = await open(dir, { memtableSize: 4096, blockSize: 512, targetFileSize: 8192 });
    for (let round = 0; round < 3; round++) for (let i = 0; i < 300; i++) await db.set(`k${pad(i)}`, `r${round}-${i}`.padEnd(30, '.'));
    for (let i = 0; i < 300; i += 3) await db.delete(`k${pad(i)}`);
    const result = await db.compact();
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect((await db.stats()).diskBytes).toBe(result.bytesAfter);
    await db.close();
    expect(filesBytes(dir)).toBe(result.bytesAfter);
  });

  it('three overlapping compact() calls all succeed, in turn; the last finds nothing left to reclaim', async () => {
    const dir = tempDir('compact-queue');
    const db = await open(dir, { memtableSize: 4096, blockSize: 512, targetFileSize: 8192, autoCompact: false });
    for (let round = 0; round < 3; round++) for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `r${round}`.padEnd(40, '-'));
    const results = await Promise.all([db.compact(), db.compact(), db.compact()]);
    expect(results[0]!.reclaimedBytes).toBeGreaterThan(0);
    expect(results[1]!.bytesBefore).toBe(results[0]!.bytesAfter); // queued: it began where the first ended
    expect(results[2]!.details?.entriesDropped).toBe(0);
    await db.set('after', 'compactions');
    expect(await db.count()).toBe(201);
    await db.close();
  });
});
