/** LMDB engine edges: long keys in byte order, corrupt files refused before lmdb-js, multi-process use, sync timer. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError, openStore, type KvsEngine, type ScanOptions } from '../../../src/index.js';
import { collect } from '../../../src/testing/index.js';
import { DIST_INDEX, holdInChild, tempDir } from '../../support/engine-crash.js';

/** lmdb-js's largest key with its default 4 KiB pages. */
const T = 1978;

async function newStore(sync: 'always' | 'interval' | 'never' = 'never', extra: { syncIntervalMs?: number } = {}) {
  const dir = tempDir('kvs-lmdb-');
  const db = await openStore({ engine: 'lmdb', dir, sync, ...extra });
  return { dir, db, file: path.join(dir, 'data.mdb') };
}

describe('lmdb: keys longer than LMDB allows', () => {
  const P = Buffer.alloc(T, 0x61); // a T-byte prefix shared by several long keys
  const keys = [
    P.subarray(0, 5), // short, a prefix of P
    Buffer.concat([P.subarray(0, T - 1), Buffer.from([0x60])]), // T bytes, just below P
    P, // exactly T bytes: a short key equal to the bucket's prefix
    Buffer.concat([P, Buffer.from('z')]),
    Buffer.concat([P, Buffer.from([0x00])]),
    Buffer.concat([P, Buffer.alloc(60_000, 0x62)]),
    Buffer.concat([P, Buffer.from('m'), Buffer.alloc(3000, 1)]),
    Buffer.concat([P.subarray(0, T - 1), Buffer.from([0x62]), Buffer.from('tail')]), // long, another bucket
    Buffer.from('b'),
  ];
  const sorted = [...keys].sort(Buffer.compare);
  const hex = (b: Buffer) => b.toString('hex');

  async function fill(db: KvsEngine): Promise<void> {
    for (const [i, k] of keys.entries()) await db.set(k, `v${i}`);
  }

  it('get, overwrite, delete and count treat long keys like any other', async () => {
    const { db } = await newStore();
    try {
      await fill(db);
      expect(await db.count()).toBe(keys.length);
      for (const [i, k] of keys.entries()) expect((await db.get(k))?.toString()).toBe(`v${i}`);
      await db.set(keys[3]!, 'again');
      expect((await db.get(keys[3]!))?.toString()).toBe('again');
      expect(await db.delete(keys[5]!)).toBe(true);
      expect(await db.delete(keys[5]!)).toBe(false);
      expect(await db.get(keys[5]!)).toBeUndefined();
      expect(await db.has(keys[4]!)).toBe(true);
      expect(await db.count()).toBe(keys.length - 1);
    } finally {
      await db.close();
    }
  });

  it('scans merge long keys into byte order, forward and reverse, with long bounds and limits, across a reopen', async () => {
    const { dir, db } = await newStore();
    await fill(db);
    await db.close();
    const again = await openStore({ dir });
    try {
      const bounds: ScanOptions[] = [
        {},
        { reverse: true },
        { gte: P },
        { gt: P },
        { gt: P, reverse: true },
        { gte: keys[5]!, lt: Buffer.from('b') },
        { lte: keys[6]!, reverse: true, limit: 3 },
        { prefix: P },
        { prefix: P, reverse: true, limit: 2 },
        { gt: keys[4]!, lt: keys[7]!, reverse: true },
      ];
      for (const o of bounds) {
        const want = sorted.filter((k) => {
          if (o.gte !== undefined && Buffer.compare(k, o.gte as Buffer) < 0) return false;
          if (o.gt !== undefined && Buffer.compare(k, o.gt as Buffer) <= 0) return false;
          if (o.lte !== undefined && Buffer.compare(k, o.lte as Buffer) > 0) return false;
          if (o.lt !== undefined && Buffer.compare(k, o.lt as Buffer) >= 0) return false;
          if (o.prefix !== undefined && !k.subarray(0, (o.prefix as Buffer).length).equals(o.prefix as Buffer)) return false;
          return true;
        });
        if (o.reverse) want.reverse();
        const got = (await collect(again.scan(o))).map(([k]) => Buffer.from(k, 'latin1'));
        expect(got.map(hex)).toEqual(want.slice(0, o.limit ?? Infinity).map(hex));
      }
    } finally {
      await again.close();
    }
  });
});

describe('lmdb: reverse scans reach the smallest keys', () => {
  // lmdb-js ends a reverse range before [0x00] (exclusive) unless told otherwise.
  const Z = (n: number) => Buffer.alloc(n, 0);
  const keys = [Z(1), Z(2), Buffer.from([0, 0x61]), Z(T), Z(T + 7), Buffer.concat([Z(T), Buffer.from('a')]), Buffer.from('a'), Buffer.from([0xff])];
  const sorted = [...keys].sort(Buffer.compare);
  const hex = (b: Buffer) => b.toString('hex');

  it('yields \\x00 and keys made of 0x00 bytes (short and long) under every bound, limited, after reopen and read-only', async () => {
    const { dir, db } = await newStore();
    for (const k of keys) await db.set(k, 'v');
    await db.close();
    const bounds: ScanOptions[] = [
      { reverse: true },
      { reverse: true, limit: 100 },
      { reverse: true, lte: Z(1) },
      { reverse: true, lt: Z(2) },
      { reverse: true, lte: Z(T + 7) },
      { reverse: true, lt: Z(T) },
      { reverse: true, gte: Z(1) },
      { reverse: true, gte: Z(1), lte: Z(1) },
      { reverse: true, prefix: Z(1) },
      { reverse: true, lt: Buffer.from('a'), limit: 10 },
    ];
    for (const readOnly of [false, true]) {
      const again = await openStore({ dir, readOnly });
      try {
        for (const o of bounds) {
          const want = sorted.filter((k) => {
            if (o.gte !== undefined && Buffer.compare(k, o.gte as Buffer) < 0) return false;
            if (o.lte !== undefined && Buffer.compare(k, o.lte as Buffer) > 0) return false;
            if (o.lt !== undefined && Buffer.compare(k, o.lt as Buffer) >= 0) return false;
            if (o.prefix !== undefined && !k.subarray(0, (o.prefix as Buffer).length).equals(o.prefix as Buffer)) return false;
            return true;
          }).reverse();
          const got = (await collect(again.scan(o))).map(([k]) => Buffer.from(k, 'latin1'));
          expect(got.map(hex), JSON.stringify(o)).toEqual(want.slice(0, o.limit ?? Infinity).map(hex));
          expect(got.at(-1)?.equals(Z(1))).toBe(true); // every bound above admits \x00
        }
      } finally {
        await again.close();
      }
    }
  });
});

describe('lmdb: errors', () => {
  it('a data file that is not LMDB is CORRUPTION naming it (lmdb-js would crash the process)', async () => {
    const { dir, db, file } = await newStore();
    await db.close();
    fs.writeFileSync(file, Buffer.alloc(20_000, 7));
    const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KvsError);
    expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file } });
    expect((err as KvsError).message).toContain(file);
  });

  it('a truncated data file is CORRUPTION naming it', async () => {
    const { dir, db, file } = await newStore();
    await db.set('k', 'v');
    await db.close();
    fs.truncateSync(file, 5000);
    await expect(openStore({ dir })).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file } });
  });

  it('a read-only open of a store whose data file is gone is CORRUPTION (the marker says a store is there), and creates nothing', async () => {
    const { dir, db, file } = await newStore();
    await db.close();
    fs.rmSync(file);
    await expect(openStore({ dir, readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    await expect(openStore({ dir })).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('lmdb: sharing and sync', () => {
  it('another process may write the store while this one has it open (LMDB has no exclusive lock)', async () => {
    const { dir, db } = await newStore();
    try {
      await db.set('mine', '1');
      const child = await holdInChild(`
        const { openStore } = await import(${JSON.stringify(DIST_INDEX)});
        const db = await openStore({ dir: ${JSON.stringify(dir)} });
        console.log((await db.get('mine'))?.toString());
        await db.set('theirs', '2');
        await db.close();
        console.log('ready');
        setInterval(() => {}, 1000);`);
      expect(child.lines).toEqual(['1']);
      await child.stop();
      await new Promise((r) => setImmediate(r)); // lmdb-js renews its read snapshot on a new event turn
      expect((await db.get('theirs'))?.toString()).toBe('2');
      const ro = await openStore({ dir, readOnly: true });
      expect(await ro.count()).toBe(2);
      await ro.close();
    } finally {
      await db.close();
    }
  }, 20_000);

  it('the interval policy syncs on its timer once there are writes', async () => {
    const { db } = await newStore('interval', { syncIntervalMs: 20 });
    try {
      await db.set('k', 'v');
      await expect.poll(async () => (await db.stats()).syncs as number, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('compact is a no-op that reports zero (supports.compaction is false)', async () => {
    const { db } = await newStore();
    try {
      expect(db.supports.compaction).toBe(false);
      await db.set('k', 'v');
      const result = await db.compact();
      expect(result.reclaimedBytes).toBe(0);
      expect(result.bytesAfter).toBe(result.bytesBefore);
    } finally {
      await db.close();
    }
  });
});
