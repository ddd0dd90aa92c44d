/**
 * The open data files and the keydir, kept consistent: every record applied to the keydir
 * moves live bytes between files, so dead space per file is known without a disk scan.
 */
import type { DataFile } from './data-file.js';
import { compareFileIds } from './file-names.js';
import type { FileSetEntry } from './file-set.js';
import type { Keydir } from './keydir.js';
import { FLAG_TOMBSTONE, HEADER_SIZE } from './record-format.js';

export class FileTable {
  readonly keydir: Keydir;
  /** By keydir index; removed files leave holes. */
  readonly #byIndex: (DataFile | undefined)[] = [];
  /** In load order: (major, minor) ascending. */
  #ordered: DataFile[] = [];

  constructor(keydir: Keydir) {
    this.keydir = keydir;
  }

  get nextIndex(): number {
    return this.#byIndex.length;
  }

  /** Files oldest first. */
  get files(): readonly DataFile[] {
    return this.#ordered;
  }

  add(file: DataFile): void {
    this.#byIndex[file.index] = file;
    let at = this.#ordered.length; // new files are nearly always the newest: insert from the end
    while (at > 0 && compareFileIds(this.#ordered[at - 1]!.id, file.id) > 0) at--;
    this.#ordered.splice(at, 0, file);
  }

  /** Forgets `file` (REQUIRES: no keydir entry points into it). */
  delete(file: DataFile): void {
    this.#byIndex[file.index] = undefined;
    this.#ordered = this.#ordered.filter((f) => f !== file);
  }

  byIndex(index: number): DataFile {
    return this.#byIndex[index]!;
  }

  /**
   * Makes the keydir reflect the record of `key` at `offset` in `file`, which is newer than
   * anything applied before. Returns true iff the key was live before.
   */
  apply(file: DataFile, key: Uint8Array, offset: number, valueSize: number, flags: number, timestamp: number): boolean {
    const kd = this.keydir;
    const h = kd.find(key);
    if (h >= 0) this.#byIndex[kd.fileId(h)]!.liveBytes -= HEADER_SIZE + key.length + kd.valueSize(h);
    if ((flags & FLAG_TOMBSTONE) !== 0) {
      if (h >= 0) kd.remove(h);
    } else {
      file.liveBytes += HEADER_SIZE + key.length + valueSize;
      if (h >= 0) kd.update(h, file.index, offset, valueSize, timestamp);
      else kd.insert(key, file.index, offset, valueSize, timestamp);
    }
    return h >= 0;
  }

  /**
   * The file set describing the published files: `active` ACTIVE, those in `merged` MERGED (a
   * published merge made them obsolete), the rest SEALED at their current length. Unpublished
   * merge outputs are left out: a crash deletes them.
   */
  fileSetEntries(active: DataFile | undefined, merged: ReadonlySet<DataFile> = new Set()): FileSetEntry[] {
    return this.#ordered
      .filter((f) => f.published)
      .map((f) => ({ id: f.id, state: f === active ? 'active' : merged.has(f) ? 'merged' : 'sealed', size: f.size }));
  }

  /** Total bytes of the data files. */
  get dataBytes(): number {
    return this.#ordered.reduce((sum, f) => sum + f.size, 0);
  }
}
