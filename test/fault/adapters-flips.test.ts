/**
 * Adapters over third-party libraries, one flipped byte in a stored file: what each library's
 * checks (and ours beside them) catch. LevelDB tables are checked block by block at open (classic-level
 * cannot turn on LevelDB's own checksum verification); RocksDB verifies gets, and scans re-read
 * their values with a verified getMany. SQLite and LMDB keep no checksums of stored values: those
 * tests document by name what is served and assert what we do promise (no crash, damaged
 * structure is CORRUPTION). KVS_FAULT_SEED picks the flipped offsets (printed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, filesOf, freshCopy, openAndRead, seededRandom, type ReferenceStore } from '../support/fault-store.js';

const SEED = Number(process.env.KVS_FAULT_SEED ?? 7);
const KEYS = 3000;
const refs = new Map<string, ReferenceStore>();

beforeAll(async () => {
  console.log(`adapters-flips: KVS_FAULT_SEED=${SEED}`);
  const small = { writeBufferSize: 64 * 1024 };
  // RocksDB uncompressed, so that a stored value can be found in its tables and flipped.
  const options: Record<string, Record<string, unknown>> = { level: small, rocksdb: { ...small, compression: false } };
  for (const engine of ['level', 'rocksdb', 'sqlite', 'lmdb']) refs.set(engine, await buildReferenceStore(engine, options[engine] ?? {}, { keys: KEYS }));
}, 120_000);

/** Flips one bit of byte `offset` of `file`. */
function flip(file: string, offset: number): void {
  const bytes = fs.readFileSync(file);
  bytes[offset]! ^= 0x10;
  fs.writeFileSync(file, bytes);
}

/** The offset, in `file`, of a stored value of the model (its bytes as written), found by search. */
function offsetOfSomeValue(ref: ReferenceStore, file: string): { offset: number; key: string } {
  const bytes = fs.readFileSync(file);
  for (const [key, value] of ref.model) {
    const at = bytes.indexOf(Buffer.from(value, 'latin1'));
    if (at >= 0) return { offset: at + value.length - 2, key };
  }
  throw new Error(`no stored value found verbatim in ${file}`);
}

describe('level: flipped bytes in tables', () => {
  it('six flips spread over each table: every one refused at open with CORRUPTION naming the table and offset', async () => {
    const ref = refs.get('level')!;
    const random = seededRandom(SEED);
    const tables = filesOf(ref.dir, /\.ldb$/);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables.slice(0, 3)) {
      const size = fs.statSync(path.join(ref.dir, table)).size;
      for (let n = 0; n < 6; n++) {
        const dir = freshCopy(ref, 'table-flip');
        const offset = Math.floor(random() * size);
        flip(path.join(dir, table), offset);
        for (const readOnly of [false, true]) {
          const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
          expectTrustworthy(outcome, ref.model);
          expect(outcome.kind, `${table} @ ${offset}`).toBe('refused');
          if (outcome.kind === 'refused') {
            expectCorruptionNamingFile(outcome.error, true);
            expect(outcome.error.details.file).toBe(table);
          }
        }
      }
    }
  }, 120_000);
});

describe('rocksdb: flipped bytes in tables', () => {
  it('a flipped byte inside a stored value: get and scan report CORRUPTION naming a file, never the flipped value', async () => {
    const ref = refs.get('rocksdb')!;
    const tables = filesOf(ref.dir, /\.sst$/);
    expect(tables.length).toBeGreaterThan(0);
    let damaged = 0;
    for (const table of tables.slice(0, 3)) {
      const dir = freshCopy(ref, 'sst-flip');
      const { offset } = offsetOfSomeValue(ref, path.join(dir, table));
      flip(path.join(dir, table), offset);
      const outcome = await openAndRead(ref, dir, ref.model);
      expectTrustworthy(outcome, ref.model);
      if (outcome.kind === 'served') {
        expect(outcome.readErrors.length, `${table} @ ${offset}`).toBeGreaterThan(0);
        damaged++;
      }
    }
    expect(damaged).toBeGreaterThan(0);
  }, 120_000);
});

/**
 * For an engine without checksums: flips a byte inside a stored value of `fileName`; the open
 * serves, and exactly the flipped key is wrong, nothing else (what the library cannot see).
 */
async function expectOnlyTheFlippedValueWrong(engine: string, fileName: string): Promise<void> {
  const ref = refs.get(engine)!;
  const dir = freshCopy(ref, 'value-flip');
  const file = path.join(dir, fileName);
  const { offset, key } = offsetOfSomeValue(ref, file);
  flip(file, offset);
  const outcome = await openAndRead(ref, dir, ref.model);
  expect(outcome.kind).toBe('served');
  if (outcome.kind === 'served') expect({ wrong: outcome.wrong, missing: outcome.missing, resurrected: outcome.resurrected }).toEqual({ wrong: [key], missing: [], resurrected: [] });
}

describe('sqlite: flipped bytes (SQLite keeps no page checksums)', () => {
  it('LIMITATION: a flipped byte inside a stored value is served as data; the open and every other key are right', async () => {
    await expectOnlyTheFlippedValueWrong('sqlite', 'kvs.sqlite');
  }, 60_000);

  it('a flipped byte in the database header is CORRUPTION naming kvs.sqlite, and changes nothing', async () => {
    const ref = refs.get('sqlite')!;
    const dir = freshCopy(ref, 'header-flip');
    flip(path.join(dir, 'kvs.sqlite'), 3); // inside "SQLite format 3\0"
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION' } });
  }, 60_000);
});

describe('lmdb: flipped bytes (LMDB keeps no checksums)', () => {
  it('LIMITATION: a flipped byte inside a stored value is served as data; the open and every other key are right', async () => {
    await expectOnlyTheFlippedValueWrong('lmdb', 'data.mdb');
  }, 60_000);

  it('a flipped byte in a meta page is CORRUPTION naming data.mdb and its offset, and changes nothing', async () => {
    const ref = refs.get('lmdb')!;
    const dir = freshCopy(ref, 'meta-flip');
    flip(path.join(dir, 'data.mdb'), 24); // the first meta page's magic number
    const outcome = await openAndRead(ref, dir, ref.model);
    expectTrustworthy(outcome, ref.model);
    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION' } });
    if (outcome.kind === 'refused') expectCorruptionNamingFile(outcome.error, true);
  }, 60_000);
});

describe('verify (kvs check) on the adapters', () => {
  it('level: a table flipped after the open is found by verify, with file and offset; an intact store is ok', async () => {
    const { openStore } = await import('../../src/index.js');
    const ref = refs.get('level')!;
    const dir = freshCopy(ref, 'verify');
    const db = await openStore({ dir, options: ref.options });
    try {
      expect(await db.verify()).toMatchObject({ ok: true, problems: [] });
      const [table] = filesOf(dir, /\.ldb$/);
      flip(path.join(dir, table!), 100);
      const report = await db.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ file: table, offset: expect.any(Number) }));
    } finally {
      await db.close();
    }
  }, 60_000);

  it('sqlite and lmdb: verify passes an intact store and says what it cannot detect', async () => {
    const { openStore } = await import('../../src/index.js');
    for (const engine of ['sqlite', 'lmdb']) {
      const ref = refs.get(engine)!;
      const db = await openStore({ dir: freshCopy(ref, 'verify'), readOnly: true });
      try {
        const report = await db.verify();
        expect(report).toMatchObject({ ok: true, problems: [] });
        expect(report.notChecked.join(' ')).toMatch(/keeps no (page )?checksums/);
      } finally {
        await db.close();
      }
    }
  }, 60_000);
});
