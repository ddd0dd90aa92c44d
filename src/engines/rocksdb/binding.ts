/**
 * The slice of the rocksdb package (abstract-leveldown 7 API) this engine uses, typed: the
 * package ships no TypeScript declarations. Loaded with require because it is CommonJS.
 */
import { createRequire } from 'node:module';

export interface RocksIterator {
  /** Resolves to [key, value], or undefined at the end of the range. */
  next(): Promise<[Buffer, Buffer] | undefined>;
  end(): Promise<void>;
}

type Callback<T = void> = (err: Error | null | undefined, result?: T) => void;

export interface RocksDb {
  status: string;
  open(options: Record<string, unknown>, cb: Callback): void;
  close(cb: Callback): void;
  getMany(keys: Buffer[], options: { asBuffer: true; fillCache?: boolean }, cb: Callback<(Buffer | undefined)[]>): void;
  batch(ops: ({ type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer })[], options: { sync: boolean }, cb: Callback): void;
  /** The unvalidated hook: accepts the empty key, which no kvs key can be. */
  _del(key: Buffer, options: { sync: boolean }, cb: Callback): void;
  iterator(options: Record<string, unknown>): RocksIterator;
  compactRange(start: Buffer, end: Buffer, cb: Callback): void;
  approximateSize(start: Buffer, end: Buffer, cb: Callback<number>): void;
  getProperty(property: string): string;
}

const require = createRequire(import.meta.url);
export const openRocksDb = require('rocksdb') as (location: string) => RocksDb;
export const ROCKSDB_PACKAGE_VERSION: string = (require('rocksdb/package.json') as { version: string }).version;

/** Calls `fn` with a node-style callback and resolves with its result. */
export function call<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result as T))));
}
