/**
 * Reads records in the log format (wal-format.ts) from a file's bytes, for WAL replay and the
 * manifest. Recovery rule (also docs/formats/lsm.md):
 * - a fragment that is cut off by the end of the file, or fails its checksum or grammar with no
 *   valid fragment anywhere after it (every byte offset of its block is tried, then every later
 *   block start), starts a **torn tail**: the record it belongs to and everything
 *   after are dropped and reported (a crash cut the last write short);
 * - a bad fragment followed by a valid one is damage in the middle: CORRUPTION naming the file
 *   and offset; nothing valid is ever dropped silently.
 */
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ErrorCodes, KvsError } from '../../../engine/errors.js';
import { BLOCK_SIZE, HEADER_SIZE, LENGTH_OFFSET, RecordType, TYPE_OFFSET } from './wal-format.js';

/** What is wrong with a torn tail's last record: it fails its checksum, the file ends inside it, or its fragments break the grammar. */
export type TailKind = 'checksum' | 'incomplete' | 'invalid';

export interface LogTail {
  /** Offset of the first byte dropped: the start of the record the bad fragment belongs to. */
  offset: number;
  /** Bytes dropped. */
  bytes: number;
  reason: string;
  kind: TailKind;
}

export interface LogContents {
  /** Offset of the first byte after the last complete record: where an appender continues. */
  validBytes: number;
  tail: LogTail | undefined;
}

type Fragment = { type: number; payload: Buffer; next: number } | { bad: string; kind: TailKind };

/** The fragment at `at` (REQUIRES: at least HEADER_SIZE bytes left in its block). */
function fragmentAt(data: Buffer, at: number): Fragment {
  if (at + HEADER_SIZE > data.length) return { bad: 'file ends inside a fragment header', kind: 'incomplete' };
  const length = data.readUInt16LE(at + LENGTH_OFFSET);
  const type = data[at + TYPE_OFFSET]!;
  const end = at + HEADER_SIZE + length;
  if (end > Math.floor(at / BLOCK_SIZE) * BLOCK_SIZE + BLOCK_SIZE) return { bad: `fragment length ${length} crosses the block boundary`, kind: 'invalid' };
  if (end > data.length) return { bad: `file ends inside a fragment of ${length} bytes`, kind: 'incomplete' };
  if (zlib.crc32(data.subarray(at + TYPE_OFFSET, end)) !== data.readUInt32LE(at)) return { bad: 'checksum mismatch', kind: 'checksum' };
  if (type < RecordType.FULL || type > RecordType.LAST) return { bad: `unknown fragment type ${type}`, kind: 'invalid' };
  return { type, payload: data.subarray(at + HEADER_SIZE, end), next: end };
}

/**
 * True iff a valid fragment follows the bad one at `at`: a FULL or FIRST fragment starting at any
 * byte after it in its block (a flipped length field hides where the next record starts, so
 * every offset is tried), or any fragment at a later block start (every block starts with one).
 * A candidate inside the block must also pass `plausible` when given: a record's own payload may
 * hold bytes that look like a fragment (a value that is a copy of a log), and a torn tail must
 * not turn into corruption because of them.
 */
function validFragmentFollows(data: Buffer, at: number, plausible: ((payload: Buffer) => boolean) | undefined): boolean {
  const blockEnd = Math.min(data.length, (Math.floor(at / BLOCK_SIZE) + 1) * BLOCK_SIZE);
  for (let p = at + 1; p + HEADER_SIZE <= blockEnd; p++) {
    const type = data[p + TYPE_OFFSET]!;
    if (type !== RecordType.FULL && type !== RecordType.FIRST) continue;
    if (p + HEADER_SIZE + data.readUInt16LE(p + LENGTH_OFFSET) > blockEnd) continue;
    const f = fragmentAt(data, p);
    if ('type' in f && (plausible === undefined || plausible(f.payload))) return true;
  }
  for (let block = blockEnd; block + HEADER_SIZE <= data.length; block += BLOCK_SIZE) {
    if ('type' in fragmentAt(data, block)) return true;
  }
  return false;
}

/**
 * Calls `onRecord` with each complete record's payload (a view into `data` when the record is
 * one fragment) and its offset. Returns where valid data ends and the torn tail, if any.
 * `plausible` (optional) vets a fragment found inside a block after damage (see validFragmentFollows).
 * Throws CORRUPTION (naming `file` and the offset) for damage followed by valid data, and
 * passes on what `onRecord` throws.
 */
export function readLog(file: string, data: Buffer, onRecord: (payload: Buffer, offset: number) => void, plausible?: (payload: Buffer) => boolean): LogContents {
  let at = 0;
  let recordStart = 0;
  let parts: Buffer[] | undefined; // fragments of a record in progress
  let validBytes = 0;
  const fail = (reason: string, badAt: number, kind: TailKind = 'invalid'): LogContents => {
    const start = parts === undefined ? badAt : recordStart;
    if (validFragmentFollows(data, badAt, plausible)) {
      const name = path.basename(file);
      throw new KvsError(ErrorCodes.CORRUPTION, `${name} is damaged at byte offset ${badAt} (${reason}) and valid records follow, so it is not a torn tail; restore ${name} from a backup of the store`, {
        details: { file: name, path: file, offset: badAt, reason },
      });
    }
    return { validBytes, tail: { offset: start, bytes: data.length - start, reason: `${reason} at byte offset ${badAt}`, kind } };
  };
  while (at < data.length) {
    const left = BLOCK_SIZE - (at % BLOCK_SIZE);
    if (left < HEADER_SIZE) {
      at += left; // block trailer
      continue;
    }
    const f = fragmentAt(data, at);
    if ('bad' in f) return fail(f.bad, at, f.kind);
    switch (f.type) {
      case RecordType.FULL:
        if (parts !== undefined) return fail('a FULL fragment inside a fragmented record', at);
        onRecord(f.payload, at);
        validBytes = f.next;
        break;
      case RecordType.FIRST:
        if (parts !== undefined) return fail('a FIRST fragment inside a fragmented record', at);
        parts = [f.payload];
        recordStart = at;
        break;
      case RecordType.MIDDLE:
        if (parts === undefined) return fail('a MIDDLE fragment outside a fragmented record', at);
        parts.push(f.payload);
        break;
      default: // LAST
        if (parts === undefined) return fail('a LAST fragment outside a fragmented record', at);
        parts.push(f.payload);
        onRecord(Buffer.concat(parts), recordStart);
        parts = undefined;
        validBytes = f.next;
    }
    at = f.next;
  }
  if (parts !== undefined) return { validBytes, tail: { offset: recordStart, bytes: data.length - recordStart, reason: `file ends inside a record that starts at byte offset ${recordStart}`, kind: 'incomplete' } };
  return { validBytes, tail: undefined };
}
