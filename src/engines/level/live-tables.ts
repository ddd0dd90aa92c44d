/**
 * The table files LevelDB's current version holds, read from its MANIFEST: only those are
 * checked at open. Others may be left by a compaction a full disk interrupted (half written,
 * never recorded); LevelDB removes them itself once the intact manifest shows them obsolete.
 *
 * Grammar of a manifest record (a VersionEdit, LevelDB db/version_edit.cc): tag:varint32 field*
 *   1 comparator: string      2 log number: varint64     3 next file number: varint64
 *   4 last sequence: varint64 5 compact pointer: level:varint32 key:string
 *   6 deleted file: level:varint32 number:varint64
 *   7 new file: level:varint32 number:varint64 size:varint64 smallest:string largest:string
 *   9 previous log number: varint64                 string := length:varint32 bytes
 */
import { logRecords } from '../shared/leveldb-log.js';

/**
 * The numbers of the live tables after every edit of `manifest`, or undefined iff a record does
 * not parse (then every table file is checked: the library reports the manifest itself).
 */
export function liveTables(manifest: Uint8Array): Set<number> | undefined {
  const live = new Set<number>();
  for (const edit of logRecords(manifest)) {
    const r = { at: 0 };
    while (r.at < edit.length) {
      const tag = varint(edit, r);
      const ok =
        tag === 1 ? skipString(edit, r)
        : tag === 2 || tag === 3 || tag === 4 || tag === 9 ? varint(edit, r) !== undefined
        : tag === 5 ? varint(edit, r) !== undefined && skipString(edit, r)
        : tag === 6 ? varint(edit, r) !== undefined && remove(live, varint(edit, r))
        : tag === 7 ? varint(edit, r) !== undefined && add(live, varint(edit, r)) && varint(edit, r) !== undefined && skipString(edit, r) && skipString(edit, r)
        : false;
      if (!ok) return undefined;
    }
  }
  return live;
}

function add(live: Set<number>, n: number | undefined): boolean {
  if (n === undefined) return false;
  live.add(n);
  return true;
}

function remove(live: Set<number>, n: number | undefined): boolean {
  if (n === undefined) return false;
  live.delete(n);
  return true;
}

function skipString(bytes: Uint8Array, r: { at: number }): boolean {
  const length = varint(bytes, r);
  if (length === undefined || r.at + length > bytes.length) return false;
  r.at += length;
  return true;
}

/** A varint of up to 64 bits at `r.at` (advanced past it); undefined iff it runs past the end or exceeds 2^53. */
function varint(bytes: Uint8Array, r: { at: number }): number | undefined {
  let value = 0;
  for (let scale = 1; r.at < bytes.length && scale < 2 ** 53; scale *= 128) {
    const b = bytes[r.at++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
  }
  return undefined;
}
