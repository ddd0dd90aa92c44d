/**
 * Opens engines under test as fresh stores (a new temporary directory, or for a server engine a
 * new namespace through `freshOptions`), and reopens them, for the shared suites.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { loadEngine, openStore, type KvsEngine, type OpenOptions, type Supports, type SyncPolicy } from '../../src/index.js';

export interface EngineUnderTest {
  /** Registry name. */
  engine: string;
  /** Engine-specific options: small sizes so that rotation, flushes and compactions happen in tests. */
  options?: Record<string, unknown>;
  /** Default: "never" where the engine supports it (fast), else the engine's default. */
  sync?: SyncPolicy;
  /** Server of a remote engine (redis://127.0.0.1:PORT). */
  url?: string;
  /** Options for each new store, merged over `options` and kept for its reopens: e.g. a fresh namespace per store on a shared server. */
  freshOptions?: () => Record<string, unknown>;
}

export interface Harness {
  supports: Supports;
  /** A new, empty store; `sync` overrides the harness's policy. */
  open(sync?: SyncPolicy): Promise<KvsEngine>;
  /** Closes `db` and opens the same store again (a new empty store for non-persistent engines). */
  reopen(db: KvsEngine): Promise<KvsEngine>;
  /** The data directory `db` was opened with (given even to engines without a directory, which must leave it alone). */
  dirOf(db: KvsEngine): string;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

export async function harness(spec: EngineUnderTest): Promise<Harness> {
  const supports = (await loadEngine(spec.engine)).supports;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `kvs-${spec.engine}-`));
  roots.push(root);
  const sync = spec.sync ?? (supports.syncPolicies.includes('never') ? 'never' : undefined);
  const stores = new WeakMap<KvsEngine, { dir: string; options: Record<string, unknown> }>();
  let n = 0;
  const openAt = async (dir: string, options: Record<string, unknown>, policy = sync): Promise<KvsEngine> => {
    const open: OpenOptions = { engine: spec.engine, dir, options };
    if (policy !== undefined) open.sync = policy;
    if (spec.url !== undefined) open.url = spec.url;
    const db = await openStore(open);
    stores.set(db, { dir, options });
    return db;
  };
  return {
    supports,
    open: (policy) => openAt(path.join(root, `db${n++}`), { ...spec.options, ...spec.freshOptions?.() }, policy ?? sync),
    reopen: async (db) => {
      await db.close();
      const { dir, options } = stores.get(db)!;
      return openAt(dir, options);
    },
    dirOf: (db) => stores.get(db)!.dir,
  };
}

/** Every entry of a scan, as [key, value] strings in latin1 (byte-preserving). */
export async function collect(iterable: AsyncIterable<[Buffer, Buffer]>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [k, v] of iterable) out.push([k.toString('latin1'), v.toString('latin1')]);
  return out;
}
