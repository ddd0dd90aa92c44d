/**
 * One data file: its descriptor, valid length and live-byte count, positional reads of a
 * record with CRC verification, and appends. Single-threaded use only (all calls are
 * synchronous, so a read never races an append or a close).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { dataFileName, hintFileName, type FileId } from './file-names.js';
import { FLAG_TOMBSTONE, FLAGS_OFFSET, HEADER_SIZE, KEY_SIZE_OFFSET, recordCrcMatches, VALUE_SIZE_OFFSET } from './record-format.js';

/** Suffix of merge outputs not yet published; contains ".tmp-", which recovery deletes. */
export const UNPUBLISHED_SUFFIX = '.tmp-merge';

export class DataFile {
  readonly id: FileId;
  /** Small integer naming this file in the keydir; unique within one open store. */
  readonly index: number;
  readonly hintPath: string;
  readonly name: string;
  #path: string;
  #fd: number;
  /** Valid bytes: appends go here; anything beyond was cut off as a torn tail. */
  size: number;
  /** Bytes of records the keydir points to; the rest of `size` is dead. */
  liveBytes = 0;
  /** Data-file bytes covered by valid hint chunks, and the valid length of the hint file. */
  hintCovered = 0;
  hintLength = 0;

  private constructor(dir: string, id: FileId, index: number, fd: number, size: number) {
    this.id = id;
    this.index = index;
    this.name = dataFileName(id);
    this.#path = path.join(dir, this.name);
    this.hintPath = path.join(dir, hintFileName(id));
    this.#fd = fd;
    this.size = size;
  }

  /** Opens an existing data file; `writable` allows appends and truncation. */
  static open(dir: string, id: FileId, index: number, writable: boolean): DataFile {
    const file = path.join(dir, dataFileName(id));
    const fd = fs.openSync(file, writable ? 'r+' : 'r');
    return new DataFile(dir, id, index, fd, fs.fstatSync(fd).size);
  }

  /** Creates a new, empty data file; throws if it exists. */
  static create(dir: string, id: FileId, index: number): DataFile {
    const fd = fs.openSync(path.join(dir, dataFileName(id)), 'wx+');
    return new DataFile(dir, id, index, fd, 0);
  }

  /**
   * Creates a merge output under a temporary name (`NAME.data.tmp-merge`), which recovery
   * deletes and never loads; `publish()` gives it its real name once it is complete and durable.
   */
  static createUnpublished(dir: string, id: FileId, index: number): DataFile {
    const tmp = `${path.join(dir, dataFileName(id))}${UNPUBLISHED_SUFFIX}`;
    const file = new DataFile(dir, id, index, fs.openSync(tmp, 'wx+'), 0);
    file.#path = tmp;
    return file;
  }

  /** Renames an unpublished file to its real name (REQUIRES: durable; the caller fsyncs the directory). */
  publish(): void {
    const final = path.join(path.dirname(this.#path), this.name);
    if (this.#path === final) return;
    fs.renameSync(this.#path, final);
    this.#path = final;
  }

  get path(): string {
    return this.#path;
  }

  /** True iff the file has its real name (false for a merge output not yet published). */
  get published(): boolean {
    return path.basename(this.#path) === this.name;
  }

  get fd(): number {
    return this.#fd;
  }

  get deadBytes(): number {
    return this.size - this.liveBytes;
  }

  /**
   * The value of the record at `offset`, after checking that the record is whole, names a key
   * of `keySize` bytes and a value of `valueSize` bytes, and passes its CRC.
   */
  readValue(offset: number, keySize: number, valueSize: number): Buffer {
    const record = this.readRecord(offset, HEADER_SIZE + keySize + valueSize);
    if (record.readUInt32LE(KEY_SIZE_OFFSET) !== keySize || record.readUInt32LE(VALUE_SIZE_OFFSET) !== valueSize || (record[FLAGS_OFFSET]! & FLAG_TOMBSTONE) !== 0) {
      throw this.#corrupt(offset, 'record header does not match the keydir');
    }
    return record.subarray(HEADER_SIZE + keySize);
  }

  /** The `size`-byte record at `offset`, CRC-checked. */
  readRecord(offset: number, size: number): Buffer {
    const record = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(this.#fd, record, got, size - got, offset + got);
      if (n <= 0) throw this.#corrupt(offset, `record ends after ${got} of ${size} bytes`);
      got += n;
    }
    if (!recordCrcMatches(record, 0, size)) throw this.#corrupt(offset, 'checksum mismatch');
    return record;
  }

  /** Appends `chunks` at `size`; on failure cuts the file back so no partial record remains. */
  append(chunks: readonly Buffer[]): void {
    const at = this.size;
    try {
      let pos = at;
      for (const chunk of chunks) {
        let done = 0;
        while (done < chunk.length) {
          done += fs.writeSync(this.#fd, chunk, done, chunk.length - done, pos + done);
        }
        pos += chunk.length;
      }
      this.size = pos;
    } catch (err) {
      try {
        fs.ftruncateSync(this.#fd, at);
      } catch (truncErr) {
        throw new KvsError(ErrorCodes.IO_ERROR, `write to ${this.path} failed (${(err as Error).message}) and the partial record could not be removed (${(truncErr as Error).message}); reopen the store to recover`, { cause: err, details: { file: this.name, fatal: true } });
      }
      throw new KvsError(ErrorCodes.IO_ERROR, `write to ${this.path} failed: ${(err as Error).message}; nothing was written`, { cause: err, details: { file: this.name } });
    }
  }

  /** Cuts the file to `length` bytes (recovery of a torn tail). */
  truncate(length: number): void {
    fs.ftruncateSync(this.#fd, length);
    this.size = length;
  }

  fsync(): void {
    fs.fsyncSync(this.#fd);
  }

  fsyncAsync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(this.#fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    if (this.#fd >= 0) fs.closeSync(this.#fd);
    this.#fd = -1;
  }

  /** Closes the file and deletes it and its hint. */
  remove(): void {
    this.close();
    fs.rmSync(this.hintPath, { force: true });
    fs.rmSync(this.#path, { force: true });
  }

  /**
   * Damage found by a read after open. Open checks only what no hint covers, so the advice is
   * to restore the file, or to drop its hint so the next open scans it and reports the damage
   * the way open-time recovery does (a damaged last record of the active file is cut with a
   * warning; damage in a sealed file, or with valid records after it, stops the open).
   */
  #corrupt(offset: number, reason: string): KvsError {
    const hint = path.basename(this.hintPath);
    return new KvsError(
      ErrorCodes.CORRUPTION,
      `bitcask data file ${this.name} is corrupt at byte offset ${offset}: ${reason}; nothing was changed. ` +
        `Restore ${this.name} from a backup, or close the store and delete ${hint} (if present) so that the next open rescans ${this.name}: ` +
        `it then cuts off a damaged last record of the active file (with a warning), or refuses to open, naming where the damage is (in a sealed file, or with valid records after it)`,
      { details: { file: this.name, offset } },
    );
  }
}
