/**
 * The one internal iterator interface of the LSM engine. Memtable, block, table, merge and
 * level-concatenation iterators implement it and compose into the read path. Iterators are
 * synchronous (table reads use positioned sync reads) and single-threaded; a source must not
 * change under an iterator (memtables are only appended to, and entries newer than a
 * reader's snapshot are skipped by the DB iterator, not here).
 *
 * Order: internal order (see entry.ts) — user key ascending, then sequence number descending,
 * so the newest version of a key comes first.
 */
import type { EntryKind } from './entry.js';

export interface InternalIterator {
  /** True iff the iterator is positioned at an entry. */
  valid(): boolean;
  /** User key of the current entry. REQUIRES: valid(). The buffer may be reused after the next move: copy to keep. */
  key(): Buffer;
  /** Sequence number of the current entry. REQUIRES: valid(). */
  seq(): number;
  /** VALUE or DELETION. REQUIRES: valid(). */
  kind(): EntryKind;
  /** Value of the current entry (empty for a deletion). REQUIRES: valid(). May be reused after the next move. */
  value(): Buffer;

  /** Positions at the first entry. */
  seekToFirst(): void;
  /** Positions at the last entry. */
  seekToLast(): void;
  /**
   * Positions at the first entry at or after (userKey, seq) in internal order: the first entry
   * whose user key is greater than `userKey`, or equal with a sequence number <= `seq`.
   * `seq` defaults to MAX_SEQ, which makes this "first entry with user key >= userKey".
   */
  seek(userKey: Buffer, seq?: number): void;
  /** Positions at the last entry whose user key is <= `userKey` (for a key with several versions: its oldest). */
  seekForPrev(userKey: Buffer): void;
  /** REQUIRES: valid(). */
  next(): void;
  /** REQUIRES: valid(). */
  prev(): void;
  /** Releases what the iterator pins (block cache handles, file references). Idempotent. */
  close(): void;
}
