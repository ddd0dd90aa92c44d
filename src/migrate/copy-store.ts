/**
 * Copies every entry of one open store into another, whatever their engines: a scan of the
 * source feeds batches into the destination. The caller keeps writers away from both stores for
 * the duration (the copy is not a snapshot); the counts checked at the end catch most intrusions.
 */
import { ErrorCodes, KvsError } from '../engine/errors.js';
import type { BatchOp, KvsEngine } from '../engine/types.js';

export interface CopyOptions {
  /** Entries per destination batch. Default 1000. */
  batchSize?: number;
  /** A batch is written early once its keys and values reach this many bytes. Default 8 MiB. */
  batchBytes?: number;
  /** Called once before copying, with the source's key count. */
  onStart?: (total: number) => void;
  /** Called after each batch is written, with the number of entries it held. */
  onProgress?: (entries: number) => void;
}

export interface CopyResult {
  /** Entries copied. */
  keys: number;
  /** Bytes of keys and values copied. */
  bytes: number;
  /** Keys in the destination before and after the copy. */
  destinationKeysBefore: number;
  destinationKeysAfter: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Copies all of `source` into `destination` and checks the counts: the source must still hold
 * as many keys as were copied, and the destination must hold exactly the copied keys when it
 * started empty (between the copied count and the sum of both otherwise, as copied keys may
 * replace existing ones). A failed check is IO_ERROR; what was copied stays copied.
 */
export async function copyStore(source: KvsEngine, destination: KvsEngine, options: CopyOptions = {}): Promise<CopyResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `batch size must be a positive integer; got ${String(batchSize)}`);
  }
  if (!(Number.isInteger(batchBytes) && batchBytes >= 1)) {
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `batch bytes must be a positive integer; got ${String(batchBytes)}`);
  }
  const [sourceKeys, destinationKeysBefore] = await Promise.all([source.count(), destination.count()]);
  options.onStart?.(sourceKeys);

  let keys = 0;
  let bytes = 0;
  let ops: BatchOp[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (ops.length === 0) return;
    const written = ops.length;
    await destination.batch(ops);
    ops = [];
    pendingBytes = 0;
    options.onProgress?.(written);
  };
  for await (const [key, value] of source.scan()) {
    ops.push({ type: 'set', key, value });
    keys++;
    bytes += key.length + value.length;
    pendingBytes += key.length + value.length;
    if (ops.length >= batchSize || pendingBytes >= batchBytes) await flush();
  }
  await flush();

  const [sourceKeysAfter, destinationKeysAfter] = await Promise.all([source.count(), destination.count()]);
  if (sourceKeysAfter !== keys || sourceKeys !== keys) {
    throw new KvsError(
      ErrorCodes.IO_ERROR,
      `the source changed during the copy (${sourceKeys} keys at the start, ${keys} copied, ${sourceKeysAfter} now); stop every writer of the source and migrate again (--force copies over what was copied)`,
      { details: { sourceKeys, copied: keys, sourceKeysAfter } },
    );
  }
  const low = destinationKeysBefore === 0 ? keys : Math.max(keys, destinationKeysBefore);
  const high = destinationKeysBefore + keys;
  if (destinationKeysAfter < low || destinationKeysAfter > high) {
    const expected = low === high ? `${low}` : `${low} to ${high}`;
    throw new KvsError(
      ErrorCodes.IO_ERROR,
      `the destination holds ${destinationKeysAfter} keys after the copy, expected ${expected}; something else wrote to it meanwhile, or it lost writes: check it before using it`,
      { details: { copied: keys, destinationKeysBefore, destinationKeysAfter } },
    );
  }
  return { keys, bytes, destinationKeysBefore, destinationKeysAfter };
}
