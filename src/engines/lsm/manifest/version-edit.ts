/**
 * A version edit: the change one flush or compaction makes to the set of live tables, plus the
 * counters recovery needs. The manifest is a log of these (one per record, in the log format).
 * Tags are LevelDB's, minus the comparator name (kvs compares bytes only):
 *
 *   edit     := field*
 *   field    := tag:varint body
 *     2 LOG_NUMBER       number:varint          -- WALs below this number are flushed
 *     3 NEXT_FILE        number:varint          -- next file number to hand out
 *     4 LAST_SEQUENCE    seq:varint             -- highest sequence number in any table
 *     5 COMPACT_POINTER  level:varint key:bytes -- where the next compaction of `level` starts
 *     6 DELETED_FILE     level:varint number:varint
 *     7 NEW_FILE         level:varint number:varint fileSize:varint entryCount:varint
 *                        smallest:bytes largest:bytes   -- user keys, inclusive
 *     8 LOG_FILE         number:varint          -- WAL `number` takes writes (a memtable switch); it
 *                                                  must exist until LOG_NUMBER passes it (kvs only)
 *   bytes    := length:varint byte{length}
 */
import { ErrorCodes, KvsError } from '../../../engine/errors.js';
import { getVarint64, VarintWriter } from '../../../util/varint.js';

export const Tag = { LOG_NUMBER: 2, NEXT_FILE: 3, LAST_SEQUENCE: 4, COMPACT_POINTER: 5, DELETED_FILE: 6, NEW_FILE: 7, LOG_FILE: 8 } as const;

/** A live table as the manifest records it. Keys are user keys. */
export interface FileMeta {
  number: number;
  fileSize: number;
  entryCount: number;
  smallest: Buffer;
  largest: Buffer;
}

export interface VersionEdit {
  logNumber?: number;
  nextFileNumber?: number;
  lastSequence?: number;
  compactPointers: { level: number; key: Buffer }[];
  deletedFiles: { level: number; number: number }[];
  newFiles: { level: number; file: FileMeta }[];
  /** WALs created to take writes (LOG_FILE); the manifest then knows they must exist. */
  newLogs: number[];
}

export function emptyEdit(): VersionEdit {
  return { compactPointers: [], deletedFiles: [], newFiles: [], newLogs: [] };
}

export function encodeVersionEdit(edit: VersionEdit): Buffer {
  const w = new VarintWriter();
  if (edit.logNumber !== undefined) w.varint(Tag.LOG_NUMBER).varint(edit.logNumber);
  if (edit.nextFileNumber !== undefined) w.varint(Tag.NEXT_FILE).varint(edit.nextFileNumber);
  if (edit.lastSequence !== undefined) w.varint(Tag.LAST_SEQUENCE).varint(edit.lastSequence);
  for (const p of edit.compactPointers) w.varint(Tag.COMPACT_POINTER).varint(p.level).bytes(p.key);
  for (const d of edit.deletedFiles) w.varint(Tag.DELETED_FILE).varint(d.level).varint(d.number);
  for (const { level, file: f } of edit.newFiles) {
    w.varint(Tag.NEW_FILE).varint(level).varint(f.number).varint(f.fileSize).varint(f.entryCount).bytes(f.smallest).bytes(f.largest);
  }
  for (const n of edit.newLogs) w.varint(Tag.LOG_FILE).varint(n);
  return w.finish();
}

/** Decodes one edit; throws CORRUPTION naming `file` and the byte offset (`offset` is where the record starts). */
export function decodeVersionEdit(buf: Buffer, file: string, offset: number): VersionEdit {
  let at = 0;
  const bad = (why: string): KvsError =>
    new KvsError(ErrorCodes.CORRUPTION, `manifest ${file} has a malformed version edit in the record at byte offset ${offset} (${why}, ${at} bytes into it); restore the store from a backup`, {
      details: { file, offset, at },
    });
  const num = (what: string): number => {
    const v = getVarint64(buf, at, buf.length);
    if (v === undefined) throw bad(`bad ${what}`);
    at = v.next;
    return v.value;
  };
  const bytes = (what: string): Buffer => {
    const len = num(`${what} length`);
    if (at + len > buf.length) throw bad(`${what} runs past the record`);
    const b = Buffer.from(buf.subarray(at, at + len));
    at += len;
    return b;
  };
  const edit = emptyEdit();
  while (at < buf.length) {
    const tag = num('tag');
    switch (tag) {
      case Tag.LOG_NUMBER:
        edit.logNumber = num('log number');
        break;
      case Tag.NEXT_FILE:
        edit.nextFileNumber = num('next file number');
        break;
      case Tag.LAST_SEQUENCE:
        edit.lastSequence = num('last sequence');
        break;
      case Tag.COMPACT_POINTER:
        edit.compactPointers.push({ level: num('level'), key: bytes('compact pointer') });
        break;
      case Tag.DELETED_FILE:
        edit.deletedFiles.push({ level: num('level'), number: num('file number') });
        break;
      case Tag.NEW_FILE: {
        const level = num('level');
        const file: FileMeta = { number: num('file number'), fileSize: num('file size'), entryCount: num('entry count'), smallest: bytes('smallest key'), largest: bytes('largest key') };
        if (Buffer.compare(file.smallest, file.largest) > 0) throw bad(`table ${file.number} has smallest key > largest key`);
        edit.newFiles.push({ level, file });
        break;
      }
      case Tag.LOG_FILE:
        edit.newLogs.push(num('log file number'));
        break;
      default:
        throw bad(`unknown tag ${tag}`);
    }
  }
  return edit;
}
