/**
 * The conformance suite every engine passes: one function, parameterised by the engine under
 * test; optional parts follow the engine's `supports` manifest. Exported as `kvs/testing`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, MARKER_FILE, MAX_KEY_BYTES, MAX_VALUE_BYTES, SYNC_POLICIES, type KvsEngine, type ScanOptions } from '../index.js';
import { collect, harness, type EngineUnderTest, type Harness } from './harness.js';
import { vitestRunner, type TestRunner } from './runner.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/**
 * Registers the suite for `spec` with `runner` (default: vitest's describe/it/expect/afterAll);
 * await it at the top level of the engine's test file.
 */
export async function conformanceSuite(spec: EngineUnderTest, runner?: TestRunner): Promise<void> {
  const { describe, it, expect } = runner ?? (await vitestRunner());
  const h: Harness = await harness(spec, runner ?? (await vitestRunner()));
  const rejectsWith = async (promise: Promise<unknown>, code: string): Promise<void> => {
    await expect(promise).rejects.toMatchObject({ name: 'KvsError', code });
  };
  describe(`conformance: ${spec.engine}`, () => {

    /** Runs `body` against a fresh store and closes it afterwards. */
    const withStore = (name: string, body: (db: KvsEngine) => Promise<KvsEngine | void>, timeout?: number) =>
      it(name, async () => {
        let db = await h.open();
        try {
          db = (await body(db)) ?? db;
        } finally {
          await db.close();
        }
      }, timeout);

    describe('get, set, delete', () => {
      withStore('get of a missing key is undefined', async (db) => {
        expect(await db.get('nobody')).toBeUndefined();
        expect(await db.has('nobody')).toBe(false);
      });
      withStore('set then get returns the bytes as a Buffer', async (db) => {
        await db.set('user:1', 'Alice');
        const value = await db.get('user:1');
        expect(Buffer.isBuffer(value)).toBe(true);
        expect(value!.toString()).toBe('Alice');
        expect(await db.has('user:1')).toBe(true);
      });
      withStore('string and Uint8Array keys name the same key', async (db) => {
        await db.set(new Uint8Array([0x61, 0x62]), new Uint8Array([1, 2, 3]));
        expect(await db.get('ab')).toEqual(Buffer.from([1, 2, 3]));
      });
      withStore('UTF-8 keys and values round-trip', async (db) => {
        await db.set('ключ-🔑', 'значение-✓');
        expect((await db.get('ключ-🔑'))!.toString('utf8')).toBe('значение-✓');
      });
      withStore('overwrite returns the latest value', async (db) => {
        await db.set('k', 'one');
        await db.set('k', 'two');
        await db.set('k', 'three');
        expect((await db.get('k'))!.toString()).toBe('three');
        expect(await db.count()).toBe(1);
      });
      withStore('delete returns true iff the key existed', async (db) => {
        await db.set('k', 'v');
        expect(await db.delete('k')).toBe(true);
        expect(await db.get('k')).toBeUndefined();
        expect(await db.delete('k')).toBe(false);
        expect(await db.delete('never-set')).toBe(false);
      });
      withStore('set after delete brings the key back', async (db) => {
        await db.set('k', 'v1');
        await db.delete('k');
        await db.set('k', 'v2');
        expect((await db.get('k'))!.toString()).toBe('v2');
      });
      withStore('binary keys and values keep every byte value', async (db) => {
        const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        await db.set(all, all);
        await db.set(Buffer.from([0]), Buffer.from([0xff, 0, 0xff]));
        await db.set(Buffer.from([0xff]), Buffer.from([0]));
        expect(await db.get(all)).toEqual(all);
        expect(await db.get(Buffer.from([0]))).toEqual(Buffer.from([0xff, 0, 0xff]));
        expect(await db.get(Buffer.from([0xff]))).toEqual(Buffer.from([0]));
      });
      withStore('an empty value is stored and is not a missing key', async (db) => {
        await db.set('empty', '');
        expect(await db.get('empty')).toEqual(Buffer.alloc(0));
        expect(await db.has('empty')).toBe(true);
        expect(await db.count()).toBe(1);
      });
      withStore('a caller mutating its buffer after set does not change the stored value', async (db) => {
        const value = Buffer.from('original');
        await db.set('k', value);
        value.fill(0x21);
        expect((await db.get('k'))!.toString()).toBe('original');
      });
      withStore('a large value (8 MiB) round-trips', async (db) => {
        const big = Buffer.alloc(8 * 1024 * 1024);
        for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
        await db.set('big', big);
        expect((await db.get('big'))!.equals(big)).toBe(true);
      });
    });

    describe('limits and bad input change nothing', () => {
      withStore('a key of exactly MAX_KEY_BYTES is accepted', async (db) => {
        const key = Buffer.alloc(MAX_KEY_BYTES, 0x6b);
        await db.set(key, 'v');
        expect((await db.get(key))!.toString()).toBe('v');
      });
      withStore('a key of MAX_KEY_BYTES + 1 is rejected with KEY_TOO_LARGE and nothing is written', async (db) => {
        await rejectsWith(db.set(Buffer.alloc(MAX_KEY_BYTES + 1, 0x6b), 'v'), ErrorCodes.KEY_TOO_LARGE);
        await rejectsWith(db.get(Buffer.alloc(MAX_KEY_BYTES + 1)), ErrorCodes.KEY_TOO_LARGE);
        expect(await db.count()).toBe(0);
      });
      withStore('a value of exactly MAX_VALUE_BYTES is accepted; one byte more is VALUE_TOO_LARGE', async (db) => {
        const max = Buffer.alloc(MAX_VALUE_BYTES, 0x76);
        await db.set('max', max);
        expect((await db.get('max'))!.length).toBe(MAX_VALUE_BYTES);
        await rejectsWith(db.set('over', Buffer.alloc(MAX_VALUE_BYTES + 1)), ErrorCodes.VALUE_TOO_LARGE);
        expect(await db.has('over')).toBe(false);
        expect(await db.count()).toBe(1);
      }, 60_000);
      withStore('an empty key is INVALID_ARGUMENT', async (db) => {
        await rejectsWith(db.set('', 'v'), ErrorCodes.INVALID_ARGUMENT);
        await rejectsWith(db.get(''), ErrorCodes.INVALID_ARGUMENT);
        await rejectsWith(db.delete(new Uint8Array(0)), ErrorCodes.INVALID_ARGUMENT);
      });
      withStore('keys and values of the wrong type are INVALID_ARGUMENT', async (db) => {
        await rejectsWith(db.set(42 as unknown as string, 'v'), ErrorCodes.INVALID_ARGUMENT);
        await rejectsWith(db.set('k', null as unknown as string), ErrorCodes.INVALID_ARGUMENT);
        await rejectsWith(db.get(undefined as unknown as string), ErrorCodes.INVALID_ARGUMENT);
        expect(await db.count()).toBe(0);
      });
      withStore('a batch with one bad operation applies none of them', async (db) => {
        await db.set('keep', 'old');
        await rejectsWith(
          db.batch([
            { type: 'set', key: 'a', value: '1' },
            { type: 'delete', key: 'keep' },
            { type: 'set', key: Buffer.alloc(MAX_KEY_BYTES + 1), value: 'x' },
          ]),
          ErrorCodes.KEY_TOO_LARGE,
        );
        await rejectsWith(db.batch([{ type: 'put', key: 'a', value: '1' } as never]), ErrorCodes.INVALID_ARGUMENT);
        expect(await db.get('a')).toBeUndefined();
        expect((await db.get('keep'))!.toString()).toBe('old');
      });
      withStore('bad scan options are INVALID_ARGUMENT', async (db) => {
        expect(() => db.scan({ limit: -1 })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
        expect(() => db.scan({ limit: 1.5 })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
        expect(() => db.scan({ gte: 7 as unknown as string })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
      });
    });

    describe('batch', () => {
      withStore('applies sets and deletes in order', async (db) => {
        await db.set('gone', 'x');
        await db.batch([
          { type: 'set', key: 'a', value: '1' },
          { type: 'set', key: 'b', value: '2' },
          { type: 'delete', key: 'gone' },
          { type: 'set', key: 'a', value: '3' },
          { type: 'delete', key: 'b' },
          { type: 'delete', key: 'never' },
        ]);
        expect((await db.get('a'))!.toString()).toBe('3');
        expect(await db.get('b')).toBeUndefined();
        expect(await db.get('gone')).toBeUndefined();
        expect(await db.count()).toBe(1);
      });
      withStore('an empty batch is a no-op', async (db) => {
        await db.batch([]);
        expect(await db.count()).toBe(0);
      });
    });

    describe('scan', () => {
      // Byte order, not string order: 'a' < 'a\x00' < 'a\xff' < 'ab' < 'b' < '\xc3\xa9' (é in UTF-8).
      const keys = ['a', 'a\x00', 'a\xff', 'ab', 'abc', 'abd', 'b', 'ba', 'c', '\xc3\xa9', '\xff', '\xff\xff'];
      const sorted = [...keys].sort((x, y) => Buffer.compare(b(x), b(y)));
      const fill = async (db: KvsEngine): Promise<void> => {
        for (const k of [...keys].reverse()) await db.set(b(k), b(`v:${k}`));
      };
      const model = (o: { gte?: string; gt?: string; lte?: string; lt?: string; prefix?: string; limit?: number; reverse?: boolean }): string[] => {
        let out = sorted.filter(
          (k) =>
            (o.gte === undefined || Buffer.compare(b(k), b(o.gte)) >= 0) &&
            (o.gt === undefined || Buffer.compare(b(k), b(o.gt)) > 0) &&
            (o.lte === undefined || Buffer.compare(b(k), b(o.lte)) <= 0) &&
            (o.lt === undefined || Buffer.compare(b(k), b(o.lt)) < 0) &&
            (o.prefix === undefined || b(k).subarray(0, b(o.prefix).length).equals(b(o.prefix))),
        );
        if (o.reverse) out = out.reverse();
        return o.limit === undefined ? out : out.slice(0, o.limit);
      };
      const cases: Record<string, { gte?: string; gt?: string; lte?: string; lt?: string; prefix?: string; limit?: number; reverse?: boolean }> = {
        'everything': {},
        'gte': { gte: 'ab' },
        'gt': { gt: 'ab' },
        'lte': { lte: 'b' },
        'lt': { lt: 'b' },
        'gte and lt': { gte: 'a\x00', lt: 'ba' },
        'gt and lte': { gt: 'a', lte: 'c' },
        'bounds between keys': { gte: 'aa', lt: 'bb' },
        'prefix': { prefix: 'ab' },
        'prefix of 0xff bytes (no successor)': { prefix: '\xff' },
        'prefix with a bound inside it': { prefix: 'a', gt: 'a\xff' },
        'prefix matching nothing': { prefix: 'zz' },
        'limit': { limit: 3 },
        'limit 0': { limit: 0 },
        'limit larger than the range': { prefix: 'ab', limit: 100 },
        'reverse': { reverse: true },
        'reverse with bounds': { gt: 'a', lte: 'c', reverse: true },
        'reverse with prefix and limit': { prefix: 'a', reverse: true, limit: 2 },
        'reverse with an exclusive upper bound equal to a key': { lt: 'b', reverse: true, limit: 3 },
        'empty range (lower above upper)': { gt: 'c', lt: 'a' },
        'empty range (equal exclusive bounds)': { gt: 'b', lte: 'b' },
        'single key (equal inclusive bounds)': { gte: 'b', lte: 'b' },
      };
      for (const [name, o] of Object.entries(cases)) {
        withStore(`bounds: ${name}`, async (db) => {
          await fill(db);
          const opts: ScanOptions = {};
          for (const bound of ['gte', 'gt', 'lte', 'lt', 'prefix'] as const) if (o[bound] !== undefined) opts[bound] = b(o[bound]!);
          if (o.limit !== undefined) opts.limit = o.limit;
          if (o.reverse !== undefined) opts.reverse = o.reverse;
          const got = (await collect(db.scan(opts))).map(([k]) => k);
          const want = model(o);
          if (h.supports.orderedScan) expect(got).toEqual(want);
          else expect([...got].sort()).toEqual([...want].sort());
        });
      }
      // The smallest keys: \x00 is the first key of the whole space, and keys made only of 0x00 bytes
      // sit right after it; a reverse scan must run all the way down to them.
      const lowKeys = ['\x00', '\x00\x00', '\x00a', 'a', '\xff'];
      const lowCases: [ScanOptions, string[]][] = [
        [{ reverse: true }, ['\xff', 'a', '\x00a', '\x00\x00', '\x00']],
        [{ reverse: true, limit: 5 }, ['\xff', 'a', '\x00a', '\x00\x00', '\x00']],
        [{ reverse: true, lt: b('a') }, ['\x00a', '\x00\x00', '\x00']],
        [{ reverse: true, lte: b('\x00\x00') }, ['\x00\x00', '\x00']],
        [{ reverse: true, lt: b('\x00\x00') }, ['\x00']],
        [{ reverse: true, lte: b('\x00') }, ['\x00']],
        [{ reverse: true, gte: b('\x00'), lt: b('\xff') }, ['a', '\x00a', '\x00\x00', '\x00']],
        [{}, ['\x00', '\x00\x00', '\x00a', 'a', '\xff']],
      ];
      withStore('reverse scans reach the key \\x00 and keys made of 0x00 bytes, with and without bounds', async (db) => {
        for (const k of lowKeys) await db.set(b(k), b(`v:${k}`));
        const check = async (store: KvsEngine): Promise<void> => {
          for (const [o, want] of lowCases) {
            const got = (await collect(store.scan(o))).map(([k]) => k);
            if (h.supports.orderedScan) expect(got, JSON.stringify(o)).toEqual(want);
            else expect([...got].sort(), JSON.stringify(o)).toEqual([...want].sort());
          }
        };
        await check(db);
        if (!h.supports.persistent) return db;
        db = await h.reopen(db);
        await check(db);
        return db;
      });
      withStore('yields values with keys and skips deleted keys', async (db) => {
        await fill(db);
        await db.delete(b('ab'));
        const got = await collect(db.scan({ prefix: 'ab' }));
        expect(got).toEqual([['abc', 'v:abc'], ['abd', 'v:abd']]);
      });
      withStore('a key deleted during a limited scan is replaced by the next key in range', async (db) => {
        await fill(db);
        const got: string[] = [];
        for await (const [k] of db.scan({ limit: 3 })) {
          got.push(k.toString('latin1'));
          if (got.length === 1) await db.delete(b(sorted[1]!));
        }
        expect(got).toEqual([sorted[0], sorted[2], sorted[3]]);
      });
      withStore('string bounds are UTF-8', async (db) => {
        await fill(db);
        const got = (await collect(db.scan({ gte: 'é' }))).map(([k]) => k);
        expect(got).toEqual(['\xc3\xa9', '\xff', '\xff\xff']);
      });
      withStore('breaking out of a scan early is fine', async (db) => {
        await fill(db);
        for await (const entry of db.scan()) {
          expect(entry[0].length).toBeGreaterThan(0);
          break;
        }
        expect(await db.count()).toBe(keys.length);
      });
    });

    describe('count, compact, stats', () => {
      withStore('count follows sets, overwrites and deletes', async (db) => {
        expect(await db.count()).toBe(0);
        for (let i = 0; i < 50; i++) await db.set(`k${i}`, `v${i}`);
        for (let i = 0; i < 50; i += 2) await db.set(`k${i}`, `w${i}`);
        for (let i = 0; i < 10; i++) await db.delete(`k${i}`);
        expect(await db.count()).toBe(40);
      });
      withStore('compact keeps every live key with its latest value', async (db) => {
        for (let round = 0; round < 4; round++) for (let i = 0; i < 200; i++) await db.set(`k${i}`, `r${round}-${i}`);
        for (let i = 0; i < 200; i += 3) await db.delete(`k${i}`);
        const result = await db.compact();
        expect(result.reclaimedBytes).toBeGreaterThanOrEqual(0);
        expect(result.reclaimedBytes).toBe(Math.max(0, result.bytesBefore - result.bytesAfter));
        const check = async (store: KvsEngine): Promise<void> => {
          for (let i = 0; i < 200; i++) {
            const v = await store.get(`k${i}`);
            if (i % 3 === 0) expect(v).toBeUndefined();
            else expect(v?.toString()).toBe(`r3-${i}`);
          }
          expect(await store.count()).toBe(200 - 67);
        };
        await check(db);
        if (!h.supports.persistent) return db;
        db = await h.reopen(db);
        await check(db);
        return db;
      });
      withStore('stats name the engine and count keys', async (db) => {
        await db.set('a', '1');
        await db.set('b', '2');
        const stats = await db.stats();
        expect(stats.engine).toBe(spec.engine);
        expect(stats.keys).toBe(2);
        expect(typeof stats.diskBytes).toBe('number');
        if (h.supports.directory) expect(stats.diskBytes).toBeGreaterThan(0);
      });
      withStore('verify of a healthy store finds no problem and changes nothing', async (db) => {
        for (let i = 0; i < 100; i++) await db.set(`k${i}`, `v${i}`);
        for (let i = 0; i < 100; i += 4) await db.delete(`k${i}`);
        const before = await collect(db.scan());
        const report = await db.verify();
        expect(report).toMatchObject({ ok: true, problems: [] });
        expect(Object.values(report.checked).some((n) => n > 0)).toBe(true);
        expect(Array.isArray(report.notChecked)).toBe(true);
        expect(await collect(db.scan())).toEqual(before);
      });
      withStore('overlapping compactions queue: both succeed and the store keeps taking writes', async (db) => {
        for (let i = 0; i < 50; i++) await db.set(`k${i}`, `v${i}`);
        for (let i = 0; i < 50; i += 2) await db.delete(`k${i}`);
        const results = await Promise.allSettled([db.compact(), db.compact(), db.compact()]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
        await db.set('after', 'compaction');
        expect((await db.get('after'))?.toString()).toBe('compaction');
        expect(await db.count()).toBe(26);
      });
    });

    if (h.supports.persistent) describe('persistence', () => {
      withStore('sets, overwrites, deletes and batches survive close and reopen', async (db) => {
        await db.set('a', '1');
        await db.set('b', '2');
        await db.set('a', '3');
        await db.delete('b');
        await db.batch([
          { type: 'set', key: 'c', value: '4' },
          { type: 'delete', key: 'a' },
        ]);
        await db.set(Buffer.from([0, 0xff]), Buffer.from([0xff, 0]));
        db = await h.reopen(db);
        expect(await db.get('a')).toBeUndefined();
        expect(await db.get('b')).toBeUndefined();
        expect((await db.get('c'))!.toString()).toBe('4');
        expect(await db.get(Buffer.from([0, 0xff]))).toEqual(Buffer.from([0xff, 0]));
        expect(await db.count()).toBe(2);
        return db;
      });
      withStore('many keys survive several reopens', async (db) => {
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 300; i++) await db.set(`key:${String(i).padStart(4, '0')}`, `round${round}`);
          db = await h.reopen(db);
        }
        expect(await db.count()).toBe(300);
        const all = await collect(db.scan());
        expect(all.length).toBe(300);
        expect(all.every(([, v]) => v === 'round2')).toBe(true);
        return db;
      });
    });

    describe('the supports manifest tells the truth', () => {
      for (const policy of SYNC_POLICIES) {
        if (h.supports.syncPolicies.includes(policy)) {
          it(`opens and writes under the "${policy}" sync policy it claims`, async () => {
            const db = await h.open(policy);
            try {
              expect(db.syncPolicy).toBe(policy);
              await db.set('k', policy);
              expect((await db.get('k'))!.toString()).toBe(policy);
            } finally {
              await db.close();
            }
          });
        } else {
          it(`refuses the "${policy}" sync policy it does not claim with UNSUPPORTED`, async () => {
            await rejectsWith(h.open(policy), ErrorCodes.UNSUPPORTED);
          });
        }
      }
      if (h.supports.directory) {
        withStore('keeps its data in the data directory, marked with the engine name', async (db) => {
          await db.set('k', 'v');
          const marker = JSON.parse(fs.readFileSync(path.join(h.dirOf(db), MARKER_FILE), 'utf8')) as { engine: string };
          expect(marker.engine).toBe(spec.engine);
        });
      } else {
        withStore('an engine without a directory never creates or writes the data directory', async (db) => {
          await db.set('k', 'v');
          await db.batch([{ type: 'set', key: 'j', value: 'w' }]);
          expect(fs.existsSync(h.dirOf(db))).toBe(false);
        });
      }
    });

    describe('close', () => {
      it('is idempotent, and every operation afterwards rejects with NOT_OPEN', async () => {
        const db = await h.open();
        await db.set('k', 'v');
        await Promise.all([db.close(), db.close()]);
        await db.close();
        expect(db.status).toBe('closed');
        await rejectsWith(db.get('k'), ErrorCodes.NOT_OPEN);
        await rejectsWith(db.set('k', 'v'), ErrorCodes.NOT_OPEN);
        await rejectsWith(db.delete('k'), ErrorCodes.NOT_OPEN);
        await rejectsWith(db.batch([]), ErrorCodes.NOT_OPEN);
        await rejectsWith(db.count(), ErrorCodes.NOT_OPEN);
        await rejectsWith(db.stats(), ErrorCodes.NOT_OPEN);
        await rejectsWith(collect(db.scan()), ErrorCodes.NOT_OPEN);
      });
      it('waits for writes issued before it and keeps them', async () => {
        let db = await h.open();
        const writes = Array.from({ length: 100 }, (_, i) => db.set(`k${i}`, `v${i}`));
        await db.close();
        await Promise.all(writes);
        expect(db.status).toBe('closed');
        if (!h.supports.persistent) return;
        db = await h.reopen(db);
        expect(await db.count()).toBe(100);
        await db.close();
      });
      it('a scan in progress fails with NOT_OPEN once the store closes', async () => {
        const db = await h.open();
        for (let i = 0; i < 10; i++) await db.set(`k${i}`, 'v');
        const it = db.scan()[Symbol.asyncIterator]();
        await it.next();
        await db.close();
        await rejectsWith(it.next(), ErrorCodes.NOT_OPEN);
      });
    });
  });
}
