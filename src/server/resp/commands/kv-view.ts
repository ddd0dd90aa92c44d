/**
 * The store as a RESP command handler sees it (`ctx.kv`). Outside a transaction it is the
 * KvService, with each command's writes handed to the connection (group commit). Inside EXEC it
 * is a TransactionView: reads see the transaction's earlier writes, writes are collected and
 * issued as one engine batch when EXEC ends. Handlers use only this, never the service, for
 * keyed reads and writes, so they behave the same in both.
 */
import type { BatchOp } from '../../../engine/types.js';
import type { Defer, KvService, LockedOps } from '../../service/kv-service.js';

export interface KvView {
  get(key: Buffer): Promise<Buffer | undefined>;
  has(key: Buffer): Promise<boolean>;
  /** Runs `fn` with exclusive access to `keys` (a read-modify-write); resolves once its writes are issued. */
  withKeys<T>(keys: readonly Buffer[], fn: (ops: LockedOps) => Promise<T>): Promise<T>;
  set(key: Buffer, value: Buffer): Promise<void>;
  batch(ops: readonly BatchOp[]): Promise<void>;
}

/** The service itself: locks per call, writes' completion to `defer`. */
export function serviceView(service: KvService, defer: Defer): KvView {
  return {
    get: (key) => service.get(key),
    has: (key) => service.has(key),
    withKeys: (keys, fn) => service.withKeys(keys, 'resp', fn, defer),
    set: (key, value) => service.set(key, value, 'resp', defer),
    batch: (ops) => service.batch(ops, 'resp', defer),
  };
}
