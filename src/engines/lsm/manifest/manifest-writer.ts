/**
 * Appends version edits to a manifest (records in the log format) and makes each durable
 * before returning, so that nothing acts on an edit a crash could lose. A new manifest starts
 * with a snapshot edit of the whole state; only then is CURRENT pointed at it.
 */
import { HEADER_SIZE } from '../wal/wal-format.js';
import { LogWriter } from '../wal/wal-writer.js';
import { manifestPath } from '../file-names.js';
import { writeCurrent } from './current-file.js';
import { encodeVersionEdit, type VersionEdit } from './version-edit.js';

export class ManifestWriter {
  readonly number: number;
  readonly #log: LogWriter;

  private constructor(number: number, log: LogWriter) {
    this.number = number;
    this.#log = log;
  }

  /** Writes manifest `number` holding `snapshot`, fsyncs it, then points CURRENT at it. */
  static create(dir: string, number: number, snapshot: VersionEdit): ManifestWriter {
    const log = LogWriter.create(manifestPath(dir, number));
    try {
      const writer = new ManifestWriter(number, log);
      writer.append(snapshot);
      writeCurrent(dir, number); // fsyncs the directory too: the new manifest's entry is durable
      return writer;
    } catch (err) {
      log.close();
      throw err;
    }
  }

  get path(): string {
    return this.#log.path;
  }

  get size(): number {
    return this.#log.size;
  }

  /**
   * Appends `edit` and fsyncs the manifest, unless `fsync` is false: for an edit nothing acts on
   * (a LOG_FILE record), which the next fsynced edit makes durable along with it.
   */
  append(edit: VersionEdit, fsync = true): void {
    const payload = encodeVersionEdit(edit);
    const record = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
    payload.copy(record, HEADER_SIZE);
    this.#log.append(record);
    if (fsync) this.#log.fsync();
  }

  close(): void {
    this.#log.close();
  }
}
