/** Opens engines under test in fresh temporary directories, and reopens them, for the shared suites. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { loadEngine, openStore, type KvsEngine, type Supports, type SyncPolicy } from '../../src/index.js';

export interface EngineUnderTest {
  /** Registry name. */
  engine: string;
  /** Engine-specific options: small sizes so that rotation, flushes and compactions happen in tests. */
  options?: Record<string, unknown>;
  sync?: SyncPolicy;
}

export interface Harness {
  supports: Supports;
  /** A new, empty store. */
  open(): Promise<KvsEngine>;
  /** Closes `db` and opens the same store again (a new empty store for non-persistent engines). */
  reopen(db: KvsEngine): Promise<KvsEngine>;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

export async function harness(spec: EngineUnderTest): Promise<Harness> {
  const supports = (await loadEngine(spec.engine)).supports;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `kvs-${spec.engine}-`));
  roots.push(root);
  const dirs = new WeakMap<KvsEngine, string>();
  let n = 0;
  const openAt = async (dir: string): Promise<KvsEngine> => {
    const db = await openStore({ engine: spec.engine, dir, sync: spec.sync ?? 'never', options: spec.options ?? {} });
    dirs.set(db, dir);
    return db;
  };
  return {
    supports,
    open: () => openAt(path.join(root, `db${n++}`)),
    reopen: async (db) => {
      await db.close();
      return openAt(dirs.get(db)!);
    },
  };
}

/** Every entry of a scan, as [key, value] strings in latin1 (byte-preserving). */
export async function collect(iterable: AsyncIterable<[Buffer, Buffer]>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [k, v] of iterable) out.push([k.toString('latin1'), v.toString('latin1')]);
  return out;
}
