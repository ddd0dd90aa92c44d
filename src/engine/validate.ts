/** Argument checks shared by every engine, applied before an engine hook sees the input. */
import { toBuffer } from '../util/bytes.js';
import { ErrorCodes, KvsError } from './errors.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './limits.js';
import type { BatchOp, BytesLike } from './types.js';

/** A batch operation after validation: keys and values are Buffers within the limits. */
export type CheckedOp = { type: 'set'; key: Buffer; value: Buffer } | { type: 'delete'; key: Buffer };

function bytes(what: string, input: unknown): Buffer {
  if (typeof input === 'string' || input instanceof Uint8Array) return toBuffer(input);
  const got = input === null ? 'null' : typeof input;
  throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `${what} must be a string or Uint8Array, got ${got}`);
}

/** `key` as a Buffer; throws unless it is 1..MAX_KEY_BYTES bytes long. */
export function checkKey(key: unknown): Buffer {
  const buf = bytes('key', key);
  if (buf.length === 0) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'key must not be empty');
  if (buf.length > MAX_KEY_BYTES) {
    throw new KvsError(
      ErrorCodes.KEY_TOO_LARGE,
      `key is ${buf.length} bytes; the limit is ${MAX_KEY_BYTES} bytes (64 KiB)`,
      { details: { size: buf.length, limit: MAX_KEY_BYTES } },
    );
  }
  return buf;
}

/** `value` as a Buffer; throws unless it is at most MAX_VALUE_BYTES bytes long. */
export function checkValue(value: unknown): Buffer {
  const buf = bytes('value', value);
  if (buf.length > MAX_VALUE_BYTES) {
    throw new KvsError(
      ErrorCodes.VALUE_TOO_LARGE,
      `value is ${buf.length} bytes; the limit is ${MAX_VALUE_BYTES} bytes (64 MiB)`,
      { details: { size: buf.length, limit: MAX_VALUE_BYTES } },
    );
  }
  return buf;
}

/** Every op checked; throws on the first bad one, so nothing is applied from a bad batch. */
export function checkBatch(ops: readonly BatchOp[]): CheckedOp[] {
  if (!Array.isArray(ops)) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'batch expects an array of operations');
  return ops.map((op, i): CheckedOp => {
    if (op?.type === 'set') return { type: 'set', key: checkKey(op.key), value: checkValue(op.value) };
    if (op?.type === 'delete') return { type: 'delete', key: checkKey(op.key) };
    throw new KvsError(ErrorCodes.INVALID_ARGUMENT, `batch operation ${i} has type ${JSON.stringify((op as { type?: unknown })?.type)}; expected "set" or "delete"`);
  });
}
