/**
 * Opens engines under test as fresh stores (a new temporary directory, or for a server engine a
 * new namespace through `freshOptions`), and reopens them, for the shared suites. Temporary
 * directories are removed by the runner's afterAll.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listEngines, loadEngine, openStore, registerEngine, type EngineModule, type KvsEngine, type OpenOptions, type Supports, type SyncPolicy } from '../index.js';
import type { TestRunner } from './runner.js';

export interface EngineUnderTest {
  /** Registry name of the engine (registered with registerEngine, or registered here from `module`). */
  engine: string;
  /**
   * The engine's module: its `supports` manifest and its `open` factory. When given and no engine
   * of that name is registered yet, the suite registers it, so an engine proves itself in one call.
   */
  module?: EngineModule;
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

/** A harness for `spec`; its temporary directory is removed in `runner.afterAll`. */
export async function harness(spec: EngineUnderTest, runner: Pick<TestRunner, 'afterAll'>): Promise<Harness> {
  const module = spec.module;
  if (module !== undefined && !listEngines().some((d) => d.name === spec.engine)) {
    registerEngine({ name: spec.engine, summary: `${spec.engine} (registered by kvs/testing)`, load: async () => module });
  }
  const supports = (await loadEngine(spec.engine)).supports;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `kvs-${spec.engine}-`));
  runner.afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
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
