/**
 * Byte grammar of a WAL record's payload: one write batch, applied whole or not at all (a
 * single set or delete is a batch of one). Sequence numbers are consecutive from `seq`.
 *
 *   batch  := seq:u64 count:u32 op{count}                  (little-endian)
 *   op     := kind:u8 keyLength:varint key value?           -- value only when kind = VALUE
 *   value  := valueLength:varint bytes
 *   kind   := 0 DELETION | 1 VALUE                           (entry.ts)
 *   seq    := 1 .. MAX_SEQ (48 bits; the two high bytes are zero)
 */
import { ErrorCodes, KvsError } from '../../../engine/errors.js';
import { getVarint64, putVarint, varintLength } from '../../../util/varint.js';
import { EntryKind, MAX_SEQ } from '../entry.js';
import { HEADER_SIZE } from './wal-format.js';

export const SEQ_SIZE = 8;
export const COUNT_SIZE = 4;
/** 8 + 4 = 12 bytes before the first op. */
export const BATCH_HEADER_SIZE = SEQ_SIZE + COUNT_SIZE;

export interface BatchOp {
  kind: EntryKind;
  key: Buffer;
  /** Ignored for DELETION. */
  value: Buffer;
}

/**
 * The batch encoded after HEADER_SIZE bytes of headroom, the form LogWriter.append takes.
 * `onOp`, if given, receives each op's key and value as views into the record: private copies
 * of the caller's bytes that the memtable can keep.
 * REQUIRES: ops is non-empty; seq + ops.length - 1 <= MAX_SEQ.
 */
export function encodeBatch(seq: number, ops: readonly BatchOp[], onOp?: (kind: EntryKind, key: Buffer, value: Buffer) => void): Buffer {
  let size = HEADER_SIZE + BATCH_HEADER_SIZE;
  for (const op of ops) {
    size += 1 + varintLength(op.key.length) + op.key.length;
    if (op.kind === EntryKind.VALUE) size += varintLength(op.value.length) + op.value.length;
  }
  const buf = Buffer.allocUnsafe(size);
  let at = HEADER_SIZE;
  buf.writeUIntLE(seq, at, 6);
  buf.writeUInt16LE(0, at + 6);
  buf.writeUInt32LE(ops.length, at + SEQ_SIZE);
  at += BATCH_HEADER_SIZE;
  for (const op of ops) {
    buf[at++] = op.kind;
    at = putVarint(buf, at, op.key.length);
    const keyAt = at;
    // TypedArray#set, not Buffer#copy: a builtin, without copy()'s argument handling per call.
    buf.set(op.key, at);
    at += op.key.length;
    let valueAt = at;
    if (op.kind === EntryKind.VALUE) {
      valueAt = putVarint(buf, at, op.value.length);
      buf.set(op.value, valueAt);
      at = valueAt + op.value.length;
    }
    onOp?.(op.kind, buf.subarray(keyAt, keyAt + op.key.length), buf.subarray(valueAt, at));
  }
  return buf;
}

/**
 * Calls `apply` for each op of the batch in `payload` with its sequence number; keys and values
 * are views into `payload`. Validates the whole batch before the first call, so a malformed
 * batch applies nothing: throws CORRUPTION naming `file` and the record's `offset`.
 */
export function decodeBatch(payload: Buffer, file: string, offset: number, apply: (seq: number, kind: EntryKind, key: Buffer, value: Buffer) => void): number {
  const bad = (why: string): KvsError =>
    new KvsError(ErrorCodes.CORRUPTION, `${file}: the write batch at byte offset ${offset} is malformed (${why}) although its checksum matches; restore the file from a backup`, {
      details: { file, offset },
    });
  if (payload.length < BATCH_HEADER_SIZE) throw bad(`${payload.length} bytes, shorter than the ${BATCH_HEADER_SIZE}-byte header`);
  const seq = payload.readUIntLE(0, 6);
  const count = payload.readUInt32LE(SEQ_SIZE);
  if (payload.readUInt16LE(6) !== 0 || seq < 1 || count < 1 || seq + count - 1 > MAX_SEQ) throw bad(`sequence ${seq}, count ${count}`);
  const ops: [EntryKind, number, number, number, number][] = [];
  let at = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const kind = payload[at++];
    if (kind !== EntryKind.VALUE && kind !== EntryKind.DELETION) throw bad(`op ${i} has kind ${String(kind)}`);
    const k = getVarint64(payload, at, payload.length);
    if (k === undefined || k.next + k.value > payload.length) throw bad(`op ${i} key length`);
    let vStart = k.next + k.value;
    let vEnd = vStart;
    if (kind === EntryKind.VALUE) {
      const v = getVarint64(payload, vStart, payload.length);
      if (v === undefined || v.next + v.value > payload.length) throw bad(`op ${i} value length`);
      vStart = v.next;
      vEnd = v.next + v.value;
    }
    ops.push([kind, k.next, k.next + k.value, vStart, vEnd]);
    at = vEnd;
  }
  if (at !== payload.length) throw bad(`${payload.length - at} bytes after the last op`);
  ops.forEach(([kind, ks, ke, vs, ve], i) => apply(seq + i, kind, payload.subarray(ks, ke), payload.subarray(vs, ve)));
  return seq + count - 1;
}
