/**
 * Recovery warnings: a WAL or manifest tail that open drops (a torn or checksum-failing last
 * record) reaches openStore's `onWarning` as one sentence naming the file, offset, bytes and why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL, contents, filesOf, flipByte, open, pad, tempDir } from './store-dir.js';

interface Tail {
  file: string;
  offset: number;
  bytes: number;
}

/** A store whose writes are only in its WAL (closed without a flush); returns the WAL's path. */
async function storeWithWal(n: number): Promise<{ dir: string; wal: string }> {
  const dir = tempDir('warn');
  const db = await open(dir, { ...SMALL, memtableSize: 1024 * 1024 });
  for (let i = 0; i < n; i++) await db.set(`k${pad(i)}`, `v${i}`);
  await db.close();
  return { dir, wal: path.join(dir, filesOf(dir, 'log').at(-1)!) };
}

async function openCollecting(dir: string, readOnly = false): Promise<{ warnings: string[]; tails: Tail[]; count: number }> {
  const warnings: string[] = [];
  const db = await open(dir, SMALL, { readOnly, onWarning: (m) => warnings.push(m) });
  try {
    return { warnings, tails: (await db.stats()).tornTailsCut as unknown as Tail[], count: (await contents(db)).size };
  } finally {
    await db.close();
  }
}

describe('lsm: recovery warnings', () => {
  it('a WAL whose last record fails its checksum: the cut is reported with file, offset, bytes and the checksum', async () => {
    const { dir, wal } = await storeWithWal(20);
    const size = fs.statSync(wal).size;
    flipByte(wal, size - 2);
    const { warnings, tails, count } = await openCollecting(dir);
    expect(count).toBe(19);
    expect(tails).toHaveLength(1);
    const { offset, bytes } = tails[0]!;
    expect(bytes).toBe(size - offset);
    expect(warnings).toEqual([
      `cut ${bytes} bytes off the end of ${path.basename(wal)} at offset ${offset}: the last record fails its checksum (checksum mismatch at byte offset ${offset}; a write interrupted by a crash); the store holds every write before it`,
    ]);
    expect((await openCollecting(dir)).warnings).toEqual([]); // the writable open replaced the WAL
  });

  it('a WAL whose last record is cut short is reported as incomplete', async () => {
    const { dir, wal } = await storeWithWal(20);
    fs.truncateSync(wal, fs.statSync(wal).size - 3);
    const { warnings, tails } = await openCollecting(dir);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^cut ${tails[0]!.bytes} bytes off the end of ${path.basename(wal)} at offset ${tails[0]!.offset}: the last record is incomplete \\(`))]);
  });

  it('a read-only open warns that it skipped the WAL tail, and leaves the file alone', async () => {
    const { dir, wal } = await storeWithWal(5);
    const size = fs.statSync(wal).size;
    flipByte(wal, size - 2);
    const { warnings } = await openCollecting(dir, true);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^skipped \\d+ bytes at the end of ${path.basename(wal)} \\(the next writable open cuts them\\) at offset \\d+: the last record fails its checksum`))]);
    expect(fs.statSync(wal).size).toBe(size);
  });

  it('a manifest with a torn last edit is reported naming the manifest', async () => {
    const dir = tempDir('warn-manifest');
    const db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `v${i}`);
    await db.close();
    const manifest = path.join(dir, filesOf(dir, 'manifest').at(-1)!);
    const size = fs.statSync(manifest).size;
    fs.appendFileSync(manifest, Buffer.from([0x12, 0x34, 0x56, 0x78, 200, 0, 1, 7, 0])); // a header promising 200 bytes, then the file ends
    const { warnings, count } = await openCollecting(dir);
    expect(count).toBe(200);
    expect(warnings).toEqual([
      `cut 9 bytes off the end of ${path.basename(manifest)} at offset ${size}: the last record is incomplete (file ends inside a fragment of 200 bytes at byte offset ${size}; a write interrupted by a crash); the store keeps every version edit before it`,
      `moved ${path.basename(manifest)} to lost/${path.basename(manifest)} instead of deleting it: its damaged last edit was dropped as a torn tail; a new manifest holds the state before it; the store does not need it: check it and remove it yourself`,
    ]);
  });

  it('a clean store gives no warning', async () => {
    const { dir } = await storeWithWal(5);
    expect((await openCollecting(dir)).warnings).toEqual([]);
  });
});
