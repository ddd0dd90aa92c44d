/**
 * `migrate`: opens a source store read-only and a destination store of any engine, refuses
 * copies that would hurt (the same store twice, a destination that already holds keys unless
 * forced), copies, and closes both so the destination's writes are durable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, isKvsError, KvsError } from '../engine/errors.js';
import { openStore, type OpenOptions } from '../engine/open-store.js';
import { loadEngine } from '../engine/registry.js';
import type { KvsEngine } from '../engine/types.js';
import { copyStore, type CopyOptions, type CopyResult } from './copy-store.js';

/** One side of a migration. */
export interface StoreLocation {
  /** Data directory (engines that keep data on disk). */
  dir?: string;
  /** Engine name; for the source, default: the engine recorded in `dir`. */
  engine?: string;
  /** Server URL (remote engines such as redis). */
  url?: string;
  /** Engine-specific options. */
  options?: Record<string, unknown>;
}

export interface MigrateOptions extends CopyOptions {
  /** Copy into a destination that already holds keys (same keys are overwritten). Default false. */
  force?: boolean;
}

export interface MigrateResult extends CopyResult {
  /** Where the data came from and went, for people: "DIR (ENGINE)" or "URL (ENGINE)", passwords hidden. */
  source: string;
  destination: string;
  sourceEngine: string;
  destinationEngine: string;
  /** Wall-clock time of the whole migration. */
  seconds: number;
}

/** Copies every key of `from` into `to`. REQUIRES: no other process writes either store meanwhile. */
export async function migrate(from: StoreLocation, to: StoreLocation, options: MigrateOptions = {}): Promise<MigrateResult> {
  const started = performance.now();
  if (to.engine === undefined || to.engine === '') {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'name the destination engine (--to-engine; see `kvs engines`)');
  }
  const destinationModule = await loadEngine(to.engine); // unknown or unusable engines fail before anything is opened
  if (!destinationModule.supports.persistent) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `the ${to.engine} engine keeps nothing once the migration ends; choose an engine that stores data (see \`kvs engines\`)`);
  }
  const source = await openSource(from);
  let destination: KvsEngine | undefined;
  try {
    checkDistinct(from, source, to, destinationModule.supports.directory);
    if (destinationModule.supports.directory && (to.dir === undefined || to.dir === '')) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `the ${to.engine} engine keeps its data on disk: name the destination directory (--to-dir)`);
    }
    // Per-write fsyncs buy nothing here: close() makes everything durable, and an interrupted
    // migration is redone anyway.
    const open: OpenOptions = { engine: to.engine, options: to.options ?? {} };
    if (to.dir !== undefined) open.dir = to.dir;
    if (to.url !== undefined) open.url = to.url;
    if (destinationModule.supports.syncPolicies.includes('never')) open.sync = 'never';
    destination = await openStore(open);
    const existing = await destination.count();
    if (existing > 0 && options.force !== true) {
      throw new KvsError(
        ErrorCodes.INVALID_ARGUMENT,
        `the destination ${describe(to)} already holds ${existing} ${existing === 1 ? 'key' : 'keys'}; choose an empty destination, or pass --force to copy into it (keys present in both are overwritten)`,
        { details: { keys: existing } },
      );
    }
    const result = await copyStore(source, destination, options);
    const closing = destination;
    destination = undefined;
    await closing.close();
    return {
      ...result,
      source: describe({ ...from, engine: source.name }),
      destination: describe(to),
      sourceEngine: source.name,
      destinationEngine: to.engine,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await destination?.close().catch(() => {}); // the first failure is the one to report
    await source.close();
  }
}

async function openSource(from: StoreLocation): Promise<KvsEngine> {
  if ((from.dir === undefined || from.dir === '') && (from.engine === undefined || from.engine === '')) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'name the source store: --from-dir (or --from-engine with --from-url for a server engine)');
  }
  const open: OpenOptions = { readOnly: true, createIfMissing: false, options: from.options ?? {} };
  if (from.dir !== undefined) open.dir = from.dir;
  if (from.engine !== undefined && from.engine !== '') open.engine = from.engine;
  if (from.url !== undefined) open.url = from.url;
  try {
    return await openStore(open);
  } catch (err) {
    if (isKvsError(err, ErrorCodes.STORE_NOT_FOUND)) {
      throw new KvsError(ErrorCodes.STORE_NOT_FOUND, `the source ${describe(from)} holds no kvs store; check --from-dir (and --from-engine)`, { cause: err, details: err.details });
    }
    throw err;
  }
}

/** Throws INVALID_ARGUMENT iff `from` and `to` name the same store. */
function checkDistinct(from: StoreLocation, source: KvsEngine, to: StoreLocation, destinationHasDir: boolean): void {
  if (source.supports.directory && destinationHasDir) {
    if (from.dir !== undefined && to.dir !== undefined && sameDir(from.dir, to.dir)) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `the source and the destination are the same directory (${path.resolve(to.dir)}); name a different --to-dir`);
    }
  } else if (!source.supports.directory && !destinationHasDir && source.name === to.engine) {
    if (from.url === to.url && JSON.stringify(from.options ?? {}) === JSON.stringify(to.options ?? {})) {
      throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `the source and the destination are the same ${to.engine} store; give the destination another --to-url (or namespace)`);
    }
  }
}

function sameDir(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

function describe(location: StoreLocation): string {
  const where = location.dir ?? (location.url === undefined ? '(no location)' : hidePassword(location.url));
  return location.engine === undefined ? where : `${where} (${location.engine})`;
}

function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
