/**
 * Adapters over third-party libraries, files missing or damaged: a store the marker says exists
 * is never opened as a new, empty database (the libraries' default), a missing or garbled
 * CURRENT/MANIFEST is CORRUPTION naming it (not IO_ERROR), and the refused open changes nothing.
 * Each case runs on a fresh copy of one reference store per engine (test/support/fault-store.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { buildReferenceStore, expectCorruptionNamingFile, expectTrustworthy, filesOf, freshCopy, openAndRead, type ReferenceStore } from '../support/fault-store.js';

const KEYS = 2000;

/** The reference store of each engine, built once. */
const refs = new Map<string, ReferenceStore>();
beforeAll(async () => {
  // Small write buffers, so the LevelDB-family stores hold tables beside their logs.
  const small = { writeBufferSize: 64 * 1024 };
  for (const engine of ['level', 'rocksdb', 'sqlite', 'lmdb']) refs.set(engine, await buildReferenceStore(engine, engine === 'level' || engine === 'rocksdb' ? small : {}, { keys: KEYS }));
}, 120_000);

/** Opens a damaged copy writable, then read-only: both refuse with CORRUPTION naming `file`, changing nothing. */
async function expectRefused(ref: ReferenceStore, dir: string, file: RegExp): Promise<void> {
  for (const readOnly of [false, true]) {
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
    expectTrustworthy(outcome, ref.model);
    expect(outcome.kind, `readOnly ${readOnly}`).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expectCorruptionNamingFile(outcome.error);
    expect(String(outcome.error.details.file)).toMatch(file);
    expect(outcome.error.message).not.toMatch(/remove the directory/);
  }
}

describe.each([
  ['level', 'leveldb'],
  ['rocksdb', 'rocksdb'],
] as const)('%s: the library files a store needs', (engine, sub) => {
  it('CURRENT deleted: CORRUPTION naming CURRENT, no empty database is created and no table deleted', async () => {
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'no-current');
    fs.rmSync(path.join(dir, sub, 'CURRENT'));
    const tables = filesOf(dir, /\.(ldb|sst)$/);
    expect(tables.length).toBeGreaterThan(0);
    await expectRefused(ref, dir, new RegExp(`^${sub}/CURRENT$`));
    expect(filesOf(dir, /\.(ldb|sst)$/)).toEqual(tables);
    expect(fs.existsSync(path.join(dir, sub, 'CURRENT'))).toBe(false);
  }, 30_000);

  it(`the whole ${sub}/ folder deleted: CORRUPTION, and the folder is not re-created`, async () => {
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'no-folder');
    fs.rmSync(path.join(dir, sub), { recursive: true });
    await expectRefused(ref, dir, /CURRENT$/);
    expect(fs.existsSync(path.join(dir, sub))).toBe(false);
  }, 30_000);

  it('the MANIFEST deleted: CORRUPTION naming it, not IO_ERROR', async () => {
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'no-manifest');
    for (const manifest of filesOf(dir, /^MANIFEST-/)) fs.rmSync(path.join(dir, manifest));
    await expectRefused(ref, dir, /MANIFEST-\d+$/);
  }, 30_000);

  it('CURRENT naming another manifest (a flipped digit): CORRUPTION naming a file, not IO_ERROR', async () => {
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'current-flip');
    const current = path.join(dir, sub, 'CURRENT');
    const text = fs.readFileSync(current, 'latin1');
    fs.writeFileSync(current, text.replace(/(\d)\n$/, (_, d: string) => `${(Number(d) + 1) % 10}\n`), 'latin1');
    await expectRefused(ref, dir, /MANIFEST-\d+$|CURRENT$/);
  }, 30_000);

  it('a flipped byte in the MANIFEST: CORRUPTION naming it', async () => {
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'manifest-flip');
    const [manifest] = filesOf(dir, /^MANIFEST-/);
    const file = path.join(dir, manifest!);
    const bytes = fs.readFileSync(file);
    // Inside the first record's payload, past its 7-byte header: the checksum no longer matches.
    bytes[12]! ^= 0x40;
    fs.writeFileSync(file, bytes);
    await expectRefused(ref, dir, /MANIFEST-\d+$/);
  }, 30_000);

  it('a flipped byte in the first record of the write-ahead log: CORRUPTION naming the log and offset (the library would skip the record)', async () => {
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'wal-flip');
    const logs = filesOf(dir, /^\d+\.log$/);
    const log = path.join(dir, logs[logs.length - 1]!);
    const bytes = fs.readFileSync(log);
    expect(bytes.length).toBeGreaterThan(4096);
    bytes[40]! ^= 0x01; // a value byte of the first batch
    fs.writeFileSync(log, bytes);
    for (const readOnly of [false, true]) {
      const outcome = await openAndRead(ref, dir, ref.model, { readOnly });
      expectTrustworthy(outcome, ref.model);
      expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'CORRUPTION', details: { file: path.relative(dir, log), offset: 0 } } });
    }
  }, 30_000);

  it('`kvs set` on a store whose CURRENT is gone exits non-zero with CORRUPTION', async () => {
    const { spawnSync } = await import('node:child_process');
    const ref = refs.get(engine)!;
    const dir = freshCopy(ref, 'cli');
    fs.rmSync(path.join(dir, sub, 'CURRENT'));
    const r = spawnSync(process.execPath, [path.resolve('bin/run.js'), 'set', 'k', 'v', '--dir', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/CURRENT is missing/);
    expect(fs.existsSync(path.join(dir, sub, 'CURRENT'))).toBe(false);
  }, 30_000);
});

describe('sqlite: the database file a store needs', () => {
  it('kvs.sqlite deleted: CORRUPTION naming it, no empty database is created', async () => {
    const ref = refs.get('sqlite')!;
    const dir = freshCopy(ref, 'no-file');
    fs.rmSync(path.join(dir, 'kvs.sqlite'));
    await expectRefused(ref, dir, /^kvs\.sqlite$/);
    expect(fs.existsSync(path.join(dir, 'kvs.sqlite'))).toBe(false);
  }, 30_000);

  it('kvs.sqlite replaced by a database without the kv table: CORRUPTION, the table is not created', async () => {
    const ref = refs.get('sqlite')!;
    const dir = freshCopy(ref, 'no-table');
    const file = path.join(dir, 'kvs.sqlite');
    fs.rmSync(file);
    const other = new Database(file);
    other.exec('CREATE TABLE notes (t TEXT)');
    other.close();
    await expectRefused(ref, dir, /^kvs\.sqlite$/);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes']);
    check.close();
  }, 30_000);
});

describe('lmdb: the data file a store needs', () => {
  it('data.mdb deleted: CORRUPTION naming it, no empty file is created', async () => {
    const ref = refs.get('lmdb')!;
    const dir = freshCopy(ref, 'no-file');
    fs.rmSync(path.join(dir, 'data.mdb'));
    await expectRefused(ref, dir, /^data\.mdb$/);
    expect(fs.existsSync(path.join(dir, 'data.mdb'))).toBe(false);
  }, 30_000);
});

describe.each(['level', 'rocksdb', 'sqlite', 'lmdb'])('%s: an intact copy', (engine) => {
  it('is served exactly, writable and read-only', async () => {
    const ref = refs.get(engine)!;
    for (const readOnly of [false, true]) {
      const outcome = await openAndRead(ref, freshCopy(ref, 'intact'), ref.model, { readOnly });
      expect(outcome.kind).toBe('served');
      expectTrustworthy(outcome, ref.model);
    }
  }, 60_000);
});
