/**
 * Open table readers by file number, opened on first use and kept open until the table is
 * obsolete (no live version lists it) or the store closes. Readers share one block cache and
 * one set of read counters. Single-threaded.
 */
import { tablePath } from './file-names.js';
import { BlockCache } from './sstable/block-cache.js';
import { TableReader, type ReadCounters } from './sstable/table-reader.js';

export class TableCache {
  readonly #dir: string;
  readonly blockCache: BlockCache;
  readonly counters: ReadCounters = { bloomChecks: 0, bloomNegatives: 0, blockReads: 0, cacheHits: 0 };
  readonly #readers = new Map<number, TableReader>();

  constructor(dir: string, blockCacheBytes: number) {
    this.#dir = dir;
    this.blockCache = new BlockCache(blockCacheBytes);
  }

  /** The reader of table `number`; throws CORRUPTION naming the file if it is missing or damaged. */
  get(number: number): TableReader {
    let reader = this.#readers.get(number);
    if (reader === undefined) {
      reader = TableReader.open(tablePath(this.#dir, number), number, this.blockCache, this.counters);
      this.#readers.set(number, reader);
    }
    return reader;
  }

  get openCount(): number {
    return this.#readers.size;
  }

  /** Closes table `number` and drops its cached blocks. REQUIRES: no iterator over it is open. */
  evict(number: number): void {
    this.#readers.get(number)?.close();
    this.#readers.delete(number);
    this.blockCache.evictFile(number);
  }

  closeAll(): void {
    for (const number of [...this.#readers.keys()]) this.evict(number);
  }
}
