/**
 * Keys longer than LMDB's maximum key size (1,978 bytes in lmdb-js) cannot be LMDB keys, but kvs
 * keys go up to 64 KiB. Such a key K is stored in the `long-keys` database under its first
 * `maxKeySize` bytes P = K[0, T), in a *bucket*: the sorted list of (suffix, value) of every long
 * key that starts with P. Byte order is kept: every short key S (|S| <= T) compares with P + s
 * exactly as with P (S can equal P only by being shorter than P + s), so a bucket slots into the
 * short keys at P's place, just after P itself, and expands in suffix order.
 *
 * Bucket grammar (a value in the long-keys database), entries sorted by suffix, suffixes non-empty:
 *   bucket := entry*
 *   entry  := suffixLen:u32be valueLen:u32be suffix[suffixLen] value[valueLen]
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { compareBytes } from '../../util/bytes.js';

/** suffixLen (4) + valueLen (4). */
export const ENTRY_HEADER_BYTES = 4 + 4;

export interface BucketEntry {
  suffix: Buffer;
  value: Buffer;
}

/** Encodes `entries`. REQUIRES: sorted by suffix, suffixes distinct and non-empty. */
export function encodeBucket(entries: readonly BucketEntry[]): Buffer {
  let size = 0;
  for (const e of entries) size += ENTRY_HEADER_BYTES + e.suffix.length + e.value.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of entries) {
    out.writeUInt32BE(e.suffix.length, at);
    out.writeUInt32BE(e.value.length, at + 4);
    at += ENTRY_HEADER_BYTES;
    at += e.suffix.copy(out, at);
    at += e.value.copy(out, at);
  }
  return out;
}

/** Decodes a bucket; CORRUPTION (naming `where` and the byte offset) if lengths overrun it. Entries are copies. */
export function decodeBucket(bytes: Buffer, where: string): BucketEntry[] {
  const entries: BucketEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < ENTRY_HEADER_BYTES) throw corrupt(where, at, `a ${ENTRY_HEADER_BYTES}-byte entry header needs more than the ${bytes.length - at} bytes left`);
    const suffixLen = bytes.readUInt32BE(at);
    const valueLen = bytes.readUInt32BE(at + 4);
    if (suffixLen === 0) throw corrupt(where, at, 'an entry has an empty key suffix');
    if (suffixLen + valueLen > bytes.length - at - ENTRY_HEADER_BYTES) {
      throw corrupt(where, at, `an entry of ${suffixLen} + ${valueLen} bytes overruns the ${bytes.length}-byte bucket`);
    }
    const start = at + ENTRY_HEADER_BYTES;
    entries.push({ suffix: Buffer.from(bytes.subarray(start, start + suffixLen)), value: Buffer.from(bytes.subarray(start + suffixLen, start + suffixLen + valueLen)) });
    at = start + suffixLen + valueLen;
  }
  return entries;
}

/** The index of `suffix` in sorted `entries`, or -(insertion point) - 1 iff absent. */
export function findSuffix(entries: readonly BucketEntry[], suffix: Uint8Array): number {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareBytes(entries[mid]!.suffix, suffix);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

function corrupt(where: string, offset: number, what: string): KvsError {
  return new KvsError(
    ErrorCodes.CORRUPTION,
    `long-key bucket ${where} is corrupt at byte offset ${offset}: ${what}; restore the store from a backup`,
    { details: { where, offset } },
  );
}
