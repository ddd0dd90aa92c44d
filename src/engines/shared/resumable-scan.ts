/**
 * Scans that stay correct while writes land between their steps: each reads the library in
 * steps, and when a write was issued since the current step began (a generation number moved) it
 * re-reads from just after the last key it yielded. So a scan never yields a stale value for a key
 * it has not reached yet and never yields a key twice. Engines never import each other: the
 * adapters share these loops from here.
 */
import { resumeAfter, type KeyRange } from '../../engine/key-range.js';

export type Entry = [key: Buffer, value: Buffer];

/**
 * For synchronous libraries (sqlite, lmdb): reads pages of up to `pageSize` entries with
 * `readPage(cursor, n)` (entries of `cursor` in its order, at most n) and yields them; re-reads
 * from after the last yielded key iff `generation()` moved while a page was being yielded.
 */
export function* pagedScan(range: KeyRange, pageSize: number, generation: () => number, readPage: (cursor: KeyRange, n: number) => Entry[]): Generator<Entry> {
  let remaining = range.limit;
  let cursor = range;
  for (;;) {
    const start = generation();
    const page = readPage(cursor, Math.min(pageSize, remaining));
    for (const entry of page) {
      if (generation() !== start) break;
      yield entry;
      if (--remaining === 0) return;
      cursor = resumeAfter(cursor, entry[0]);
    }
    if (generation() === start && page.length < pageSize) return;
  }
}

/** What `reseekingScan` needs of a write pipeline. */
export interface WriteGeneration {
  /** Increases with every write submitted. */
  readonly generation: number;
  /** Resolves when no write is queued or in flight. */
  idle(): Promise<void>;
}

/**
 * For libraries with asynchronous native iterators behind a write pipeline (level, rocksdb): waits
 * for the pipeline to be idle, then yields what `open(cursor, remaining)` yields (a native iterator
 * over `cursor`, at most `remaining` entries, closed when its generator returns); iff a write is
 * submitted meanwhile, drops that iterator and opens a new one after the last yielded key.
 */
export async function* reseekingScan(range: KeyRange, writes: WriteGeneration, open: (cursor: KeyRange, remaining: number) => AsyncGenerator<Entry>): AsyncGenerator<Entry> {
  let remaining = range.limit;
  let cursor = range;
  for (;;) {
    await writes.idle();
    const start = writes.generation;
    let moved = false;
    for await (const entry of open(cursor, remaining)) {
      if (writes.generation !== start) {
        moved = true;
        break;
      }
      yield entry;
      if (--remaining === 0) return;
      cursor = resumeAfter(cursor, entry[0]);
    }
    if (!moved) return;
  }
}
