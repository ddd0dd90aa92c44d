/**
 * Recovery at open: WAL replay with torn tails cut and reported, an immutable memtable not yet
 * flushed (two WALs), a manifest with a torn tail or damage, missing or corrupt SSTables, and
 * read-only opens that replay into memory and write nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/index.js';
import { SMALL, contents, copyStore, filesOf, flipByte, listing, open, pad, tempDir } from './store-dir.js';

interface Tail {
  file: string;
  offset: number;
  bytes: number;
}

/** A store whose last writes are only in the WAL (closed without a flush). */
async function storeWithWal(n: number): Promise<string> {
  const dir = tempDir('wal');
  const db = await open(dir, { ...SMALL, memtableSize: 1024 * 1024 });
  for (let i = 0; i < n; i++) await db.set(`k${pad(i)}`, `v${i}`);
  await db.close();
  return dir;
}

describe('recovery', () => {
  it('replays the WAL at open; a read-only open replays into memory and changes no file', async () => {
    const dir = await storeWithWal(50);
    expect(filesOf(dir, 'table')).toEqual([]);
    const before = listing(dir);
    const ro = await open(dir, SMALL, { readOnly: true });
    expect((await ro.get(`k${pad(49)}`))?.toString()).toBe('v49');
    expect(await ro.count()).toBe(50);
    await ro.close();
    expect(listing(dir)).toEqual(before);
    const wals = filesOf(dir, 'log');
    const db = await open(dir);
    expect(await db.count()).toBe(50);
    // A writable open keeps the replayed WAL and appends to it: no table needs writing first.
    expect(filesOf(dir, 'table')).toEqual([]);
    expect(filesOf(dir, 'log')).toEqual(wals);
    await db.close();
  });

  it('a torn tail of the WAL (the last record cut short) is cut off and reported; earlier writes survive', async () => {
    const dir = await storeWithWal(20);
    const wal = path.join(dir, filesOf(dir, 'log').at(-1)!);
    const size = fs.statSync(wal).size;
    fs.truncateSync(wal, size - 3);
    const db = await open(dir);
    const seen = await contents(db);
    expect(seen.size).toBe(19);
    expect(seen.has(`k${pad(19)}`)).toBe(false);
    const tails = (await db.stats()).tornTailsCut as unknown as Tail[];
    expect(tails).toEqual([expect.objectContaining({ file: path.basename(wal), bytes: size - 3 - tails[0]!.offset })]);
    await db.close();
  });

  it('a WAL tail failing its checksum is never applied', async () => {
    const dir = await storeWithWal(20);
    const wal = path.join(dir, filesOf(dir, 'log').at(-1)!);
    flipByte(wal, fs.statSync(wal).size - 2); // inside the last value
    const db = await open(dir);
    expect(await db.get(`k${pad(19)}`)).toBeUndefined();
    expect((await db.get(`k${pad(18)}`))?.toString()).toBe('v18');
    expect(((await db.stats()).tornTailsCut as unknown as Tail[])[0]).toMatchObject({ file: path.basename(wal) });
    await db.close();
  });

  it('recovery with an immutable memtable not yet flushed: both WALs are replayed, oldest first', async () => {
    const dir = tempDir('imm');
    const db = await open(dir, { ...SMALL, memtableSize: 2048 });
    const model = new Map<string, string>();
    const set = (k: string, v: string): void => {
      model.set(k, v);
      void db.set(k, v);
    };
    // Writes apply synchronously; the flush of a full memtable needs the event loop. Copy the
    // store at the moment a second WAL exists, before the flush has been recorded.
    for (let i = 0; filesOf(dir, 'log').length < 2; i++) set(`k${pad(i % 40)}`, `v${i}`);
    for (let j = 0; j < 5; j++) set(`k${pad(j)}`, `newest${j}`);
    const copy = copyStore(dir, 'imm-copy');
    await db.close();
    expect(filesOf(copy, 'log')).toHaveLength(2);
    expect(model.size).toBeGreaterThan(5);
    const reopened = await open(copy);
    expect(await contents(reopened)).toEqual(new Map([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(filesOf(copy, 'log')).toHaveLength(2); // both kept until the replayed memtable is flushed
    await reopened.close();
  });

  it('a manifest torn tail (an edit cut short by a crash) is dropped and reported', async () => {
    const dir = tempDir('manifest-torn');
    let db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `v${i}`);
    await db.close();
    const manifest = path.join(dir, filesOf(dir, 'manifest').at(-1)!);
    fs.appendFileSync(manifest, Buffer.from([0x12, 0x34, 0x56, 0x78, 200, 0, 1, 7, 0])); // a header promising 200 bytes, then the file ends
    db = await open(dir);
    expect(await db.count()).toBe(200);
    expect((await db.stats()).tornTailsCut).toEqual([expect.objectContaining({ file: path.basename(manifest) })]);
    await db.close();
  });

  it('a damaged manifest record followed by valid ones is CORRUPTION naming the manifest and offset', async () => {
    const dir = tempDir('manifest-bad');
    const db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `v${i}`); // flushes append edits after the snapshot
    await db.close();
    const name = filesOf(dir, 'manifest').at(-1)!;
    flipByte(path.join(dir, name), 9); // inside the first record
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining(name), details: expect.objectContaining({ offset: 0 }) });
  });

  it('a missing SSTable is CORRUPTION naming the file, and the open changes nothing', async () => {
    const dir = tempDir('missing');
    const db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `v${i}`);
    await db.close();
    const victim = filesOf(dir, 'table')[0]!;
    fs.rmSync(path.join(dir, victim));
    const before = listing(dir);
    await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining(victim) });
    await expect(open(dir, SMALL, { readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect(listing(dir)).toEqual(before);
  });

  it('a corrupt SSTable is CORRUPTION naming the file when read', async () => {
    const dir = tempDir('corrupt');
    let db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `v${i}`);
    await db.compact();
    await db.close();
    const tables = filesOf(dir, 'table');
    for (const t of tables) flipByte(path.join(dir, t), 20); // inside each table's first data block
    db = await open(dir);
    await expect(db.get(`k${pad(0)}`)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining(tables[0]!) });
    await expect(contents(db)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    await db.close();
  });

  it('a data block failing its checksum names the table, the block (offset and size, not the damaged byte) and the fix', async () => {
    const dir = tempDir('corrupt-block');
    let db = await open(dir);
    for (let i = 0; i < 200; i++) await db.set(`k${pad(i)}`, `v${i}`);
    await db.compact();
    await db.close();
    const table = filesOf(dir, 'table')[0]!;
    flipByte(path.join(dir, table), 20); // inside the first data block, which starts at offset 0
    db = await open(dir);
    try {
      const err = await db.get(`k${pad(0)}`).then(() => undefined, (e: unknown) => e as Error & { details: Record<string, unknown> });
      expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file: table, offset: 0, block: 'data' } });
      const size = err!.details.blockSize as number;
      expect(size).toBeGreaterThan(20);
      expect(err!.message).toContain(`table file ${table} is damaged in the data block at offset 0 (size ${size} bytes)`);
      expect(err!.message).toContain(`restore ${table} from a backup`);
      expect(err!.message).not.toContain('byte offset 0');
    } finally {
      await db.close();
    }
  });

  it('obsolete files (flushed WALs, compacted tables, old manifests) are deleted; only live ones remain', async () => {
    const dir = tempDir('obsolete');
    const db = await open(dir, { ...SMALL, autoCompact: true, l0CompactionTrigger: 2 });
    for (let r = 0; r < 3; r++) for (let i = 0; i < 150; i++) await db.set(`k${pad(i)}`, `r${r}-${i}`);
    await db.compact();
    const stats = await db.stats();
    const live = (stats.tables as unknown as { file: string }[]).map((t) => t.file).sort();
    expect(filesOf(dir, 'table')).toEqual(live);
    expect(filesOf(dir, 'log')).toEqual([stats.walFile]);
    expect(filesOf(dir, 'manifest')).toEqual([stats.manifestFile]);
    await db.close();
  });
});
