/**
 * Open table readers by file number, opened on first use and kept open until the table is
 * obsolete (no live version lists it) or the store closes. Readers share one block cache and
 * one set of read counters. Single-threaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, ioError, KvsError } from '../../engine/errors.js';
import { tablePath } from './file-names.js';
import { BlockCache } from './sstable/block-cache.js';
import { TableReader, type ReadCounters } from './sstable/table-reader.js';

export class TableCache {
  readonly #dir: string;
  readonly blockCache: BlockCache;
  readonly counters: ReadCounters = { bloomChecks: 0, bloomNegatives: 0, blockReads: 0, cacheHits: 0 };
  readonly #readers = new Map<number, TableReader>();
  /** Descriptors opened by pin() that no reader has taken yet. */
  readonly #pinned = new Map<number, number>();

  constructor(dir: string, blockCacheBytes: number) {
    this.#dir = dir;
    this.blockCache = new BlockCache(blockCacheBytes);
  }

  /** The reader of table `number`; throws CORRUPTION naming the file if it is missing or damaged. */
  get(number: number): TableReader {
    let reader = this.#readers.get(number);
    if (reader === undefined) {
      const fd = this.#pinned.get(number);
      this.#pinned.delete(number);
      reader = TableReader.open(tablePath(this.#dir, number), number, this.blockCache, this.counters, fd);
      this.#readers.set(number, reader);
    }
    return reader;
  }

  /**
   * Opens table `number`'s file now (a descriptor only; it is read on first use), so that it stays
   * readable if another process deletes it: what a read-only open beside a live writer needs.
   * Throws CORRUPTION with `details.path` if the file is missing.
   */
  pin(number: number): void {
    if (this.#readers.has(number) || this.#pinned.has(number)) return;
    const file = tablePath(this.#dir, number);
    try {
      this.#pinned.set(number, fs.openSync(file, 'r'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`cannot open table file ${file}`, err);
      const name = path.basename(file);
      throw new KvsError(ErrorCodes.CORRUPTION, `table file ${name} is missing (the manifest lists it); restore it from a backup of the store`, { cause: err, details: { file: name, path: file, offset: 0 } });
    }
  }

  get openCount(): number {
    return this.#readers.size;
  }

  /** Closes table `number` and drops its cached blocks. REQUIRES: no iterator over it is open. */
  evict(number: number): void {
    const fd = this.#pinned.get(number);
    if (fd !== undefined) fs.closeSync(fd);
    this.#pinned.delete(number);
    this.#readers.get(number)?.close();
    this.#readers.delete(number);
    this.blockCache.evictFile(number);
  }

  closeAll(): void {
    for (const number of [...this.#readers.keys(), ...this.#pinned.keys()]) this.evict(number);
  }
}
