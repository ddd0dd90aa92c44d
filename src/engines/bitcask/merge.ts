/**
 * How a merge runs (when is merge-policy.ts). Copies the live records of sealed input files
 * into new output files named to sort right after the inputs, repoints the keydir as it goes,
 * makes the outputs and their hints durable, and only then deletes the inputs, oldest first.
 *
 * Crash safety: until the inputs are deleted, a reopen sees inputs + (partial) outputs, and
 * outputs only repeat the inputs' latest values, so the result is the same keydir. Inputs
 * are deleted oldest first, so at every moment the remaining inputs are the newest ones; a
 * key whose delete tombstone survives in them still has no older value to come back.
 * Tombstones are not copied: every file older than the active file is an input, so no older
 * value remains for them to hide.
 *
 * Concurrency: each input file is processed synchronously; the merge yields to the event loop
 * between files. Writes meanwhile go to the active file, which is not an input; the keydir is
 * repointed only where it still points at the copied record.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { fsyncDirSync } from '../../util/fs.js';
import { DataFile } from './data-file.js';
import type { FileTable } from './file-table.js';
import type { FileId } from './file-names.js';
import { readHint, readHintFile } from './hint-reader.js';
import { appendHintChunk, HintChunkBuilder } from './hint-writer.js';
import { FLAG_TOMBSTONE, HEADER_SIZE } from './record-format.js';
import { scanRecords } from './record-scanner.js';

export interface MergeResult {
  inputFiles: number;
  outputFiles: number;
  inputBytes: number;
  outputBytes: number;
  recordsCopied: number;
}

const WRITE_BUFFER = 1 << 20;

/** A copied record whose keydir entry moves to the output once its bytes are written. */
interface PendingMove {
  handle: number;
  input: DataFile;
  offset: number;
  size: number;
  valueSize: number;
  timestamp: number;
}

/**
 * Writes merge outputs, starting a new file whenever the current one would exceed maxFileSize.
 * Outputs stay unpublished (temporary names, deleted by recovery) until `publish()`. The keydir
 * is repointed at a copy only after the copy's bytes are written, so a failed write leaves every
 * key pointing at its input.
 */
class OutputWriter {
  readonly outputs: { file: DataFile; hint: HintChunkBuilder }[] = [];
  #pending = Buffer.allocUnsafe(WRITE_BUFFER);
  #pendingLen = 0;
  #moves: PendingMove[] = [];
  #nextMinor: number;

  constructor(
    private readonly dir: string,
    private readonly table: FileTable,
    private readonly major: number,
    firstMinor: number,
    private readonly maxFileSize: number,
  ) {
    this.#nextMinor = firstMinor;
  }

  /** Copies `record`, the live record of keydir entry `handle`, found in `input`. */
  copy(record: Buffer, key: Uint8Array, handle: number, input: DataFile, valueSize: number, timestamp: number): void {
    let out = this.outputs.at(-1);
    const size = out === undefined ? 0 : out.file.size + this.#pendingLen;
    if (out === undefined || (size > 0 && size + record.length > this.maxFileSize)) {
      this.flush();
      const file = DataFile.createUnpublished(this.dir, { major: this.major, minor: this.#nextMinor++ }, this.table.nextIndex);
      this.table.add(file);
      out = { file, hint: new HintChunkBuilder() };
      this.outputs.push(out);
    }
    if (this.#pendingLen + record.length > WRITE_BUFFER) this.flush();
    const offset = out.file.size + this.#pendingLen;
    out.hint.add(timestamp, 0, key, valueSize, offset);
    this.#moves.push({ handle, input, offset, size: record.length, valueSize, timestamp });
    if (record.length > WRITE_BUFFER) {
      out.file.append([record]);
      this.#repoint(out.file);
    } else {
      record.copy(this.#pending, this.#pendingLen);
      this.#pendingLen += record.length;
    }
  }

  /** Writes buffered records to the current output, then points their keys at them. */
  flush(): void {
    const out = this.outputs.at(-1);
    if (out === undefined) return;
    if (this.#pendingLen > 0) {
      const len = this.#pendingLen;
      this.#pendingLen = 0;
      out.file.append([this.#pending.subarray(0, len)]);
    }
    this.#repoint(out.file);
  }

  /** Forgets buffered copies (after a failure): their keys still point at the inputs. */
  discardPending(): void {
    this.#pendingLen = 0;
    this.#moves = [];
  }

  #repoint(file: DataFile): void {
    const kd = this.table.keydir;
    for (const m of this.#moves) {
      kd.update(m.handle, file.index, m.offset, m.valueSize, m.timestamp);
      m.input.liveBytes -= m.size;
      file.liveBytes += m.size;
    }
    this.#moves = [];
  }

  /** Makes every output and its complete hint durable, then gives the outputs their real names. */
  publish(): void {
    this.flush();
    for (const { file, hint } of this.outputs) {
      file.fsync();
      const chunk = hint.finish(file.size);
      appendHintChunk(file.hintPath, 0, chunk);
      file.hintLength = chunk.length;
      file.hintCovered = file.size;
    }
    fsyncDirSync(this.dir);
    for (const { file } of this.outputs) file.publish();
    fsyncDirSync(this.dir);
  }
}

/**
 * Merges `inputs` (sealed files, oldest first, every file older than the active one) into
 * outputs named (major, firstMinor), (major, firstMinor + 1), ... `beforeDelete` runs after the
 * outputs are published and before any input is deleted: the engine makes the active file
 * durable there, since a key overwritten during the merge lives only there once its input goes.
 */
export async function mergeFiles(
  dir: string,
  table: FileTable,
  inputs: readonly DataFile[],
  major: number,
  firstMinor: number,
  maxFileSize: number,
  beforeDelete: () => void,
): Promise<MergeResult> {
  const writer = new OutputWriter(dir, table, major, firstMinor, maxFileSize);
  const kd = table.keydir;
  let recordsCopied = 0;
  const inputBytes = inputs.reduce((sum, f) => sum + f.size, 0);

  for (const input of inputs) {
    /** Copies the record iff the keydir still points at it. */
    const copyIfLive = (key: Buffer, offset: number, flags: number, valueSize: number, timestamp: number, record?: Buffer): void => {
      if ((flags & FLAG_TOMBSTONE) !== 0) return;
      const h = kd.find(key);
      if (h < 0 || kd.fileId(h) !== input.index || kd.offset(h) !== offset) return;
      const bytes = record ?? input.readRecord(offset, HEADER_SIZE + key.length + valueSize);
      writer.copy(bytes, key, h, input, valueSize, timestamp);
      recordsCopied++;
    };
    try {
      if (input.hintCovered === input.size) {
        readHint(readHintFile(input.hintPath), input.size, (e) => copyIfLive(e.key, e.offset, e.flags, e.valueSize, e.timestamp));
      } else {
        scanRecords(input.fd, input.name, input.size, 0, (r) => copyIfLive(r.key, r.offset, r.flags, r.valueSize, r.timestamp, r.record));
      }
      writer.flush();
    } catch (err) {
      // Copies written so far are valid and their keys point at them; the rest still point at
      // the inputs, which are kept. Unpublished outputs are deleted by the next recovery.
      writer.discardPending();
      throw err;
    }
    await yieldToEventLoop();
  }

  writer.publish();
  assertNothingPointsInto(table, inputs);
  beforeDelete();
  for (const input of inputs) {
    table.delete(input);
    input.remove();
  }
  fsyncDirSync(dir);
  return {
    inputFiles: inputs.length,
    outputFiles: writer.outputs.length,
    inputBytes,
    outputBytes: writer.outputs.reduce((sum, o) => sum + o.file.size, 0),
    recordsCopied,
  };
}

/** The last check before deleting inputs: no key may still live in one. */
function assertNothingPointsInto(table: FileTable, inputs: readonly DataFile[]): void {
  const doomed = new Set(inputs.map((f) => f.index));
  let stranded = 0;
  table.keydir.forEach((h) => {
    if (doomed.has(table.keydir.fileId(h))) stranded++;
  });
  if (stranded > 0) throw new Error(`merge left ${stranded} keys pointing into its input files; inputs kept (this is a bug)`);
}
