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
 * Concurrency: the merge runs in bounded synchronous slices and yields between them (and
 * around its fsyncs). Writes meanwhile go to the active file, which is not an input; a slice
 * copies a record only if the keydir still points at it, and repoints before it yields.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import { fsyncDirSync } from '../../util/fs.js';
import { DataFile } from './data-file.js';
import type { FileTable } from './file-table.js';
import { appendHintChunk, HintChunkBuilder } from './hint-writer.js';
import { FLAG_TOMBSTONE, FLAGS_OFFSET, HEADER_SIZE, KEY_SIZE_OFFSET, VALUE_SIZE_OFFSET } from './record-format.js';

export interface MergeResult {
  inputFiles: number;
  outputFiles: number;
  inputBytes: number;
  outputBytes: number;
  recordsCopied: number;
}

const WRITE_BUFFER = 1 << 20;

/** How the merge gives way: `pause` between slices, `wait` around its fsyncs (see background-turns.ts). */
export interface MergeTurns {
  pause(): Promise<void>;
  wait<T>(pending: Promise<T>): Promise<T>;
}

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

  /**
   * Makes every output durable and writes its complete hint, then gives the outputs their real
   * names. The fsyncs run off the event loop; writes meanwhile go to the active file.
   */
  async publish(turns: MergeTurns): Promise<void> {
    this.flush();
    for (const { file, hint } of this.outputs) {
      await turns.wait(file.fsyncAsync());
      // No fsync of the hint: its output is durable, and a hint that does not reach the disk
      // fails its CRC, so the output is scanned instead.
      const chunk = hint.finish(file.size);
      appendHintChunk(file.hintPath, 0, chunk, false);
      file.hintLength = chunk.length;
      file.hintCovered = file.size;
    }
    fsyncDirSync(this.dir);
    for (const { file } of this.outputs) file.publish();
    fsyncDirSync(this.dir);
  }
}

/** A slice visits at most this many keydir handles... */
const SLICE_HANDLES = 16_384;
/** ...and copies at most this many records or bytes, so no slice holds the event loop for more than a few ms. */
const SLICE_RECORDS = 2_048;
const SLICE_BYTES = 1 << 20;

/**
 * Merges `inputs` (sealed files, oldest first, every file older than the active one) into
 * outputs named (major, firstMinor), (major, firstMinor + 1), ... The live records are found
 * through the keydir, not by reading the inputs: each slice walks a range of keydir handles
 * (which never move), picks those that point into an input, and copies them in file order.
 * Nothing new can point into an input while the merge runs (writes go to the active file), so
 * one pass over the handles finds every live record. `turns` paces the slices and the fsyncs.
 * `beforeDelete` runs after the outputs are published and before any input is deleted: the engine makes every newer file durable there, since a key
 * overwritten during the merge lives only there once its input goes.
 */
export async function mergeFiles(
  dir: string,
  table: FileTable,
  inputs: readonly DataFile[],
  major: number,
  firstMinor: number,
  maxFileSize: number,
  turns: MergeTurns,
  beforeDelete: () => Promise<void>,
): Promise<MergeResult> {
  const writer = new OutputWriter(dir, table, major, firstMinor, maxFileSize);
  const kd = table.keydir;
  const isInput = new Uint8Array(table.nextIndex);
  for (const input of inputs) isInput[input.index] = 1;
  let recordsCopied = 0;
  const inputBytes = inputs.reduce((sum, f) => sum + f.size, 0);

  for (let cursor = 0; cursor < kd.handleLimit; ) {
    const picked: number[] = [];
    let bytes = 0;
    const sliceEnd = Math.min(kd.handleLimit, cursor + SLICE_HANDLES);
    for (; cursor < sliceEnd && picked.length < SLICE_RECORDS && bytes < SLICE_BYTES; cursor++) {
      if (!kd.isLive(cursor)) continue;
      const fileId = kd.fileId(cursor);
      if (fileId >= isInput.length || isInput[fileId] === 0) continue;
      picked.push(cursor);
      bytes += HEADER_SIZE + kd.keyView(cursor).length + kd.valueSize(cursor);
    }
    // File order, then offset order: reads sweep each input forwards.
    picked.sort((a, b) => kd.fileId(a) - kd.fileId(b) || kd.offset(a) - kd.offset(b));
    try {
      for (const h of picked) {
        const input = table.byIndex(kd.fileId(h));
        const key = kd.keyView(h);
        const record = readLiveRecord(input, kd.offset(h), key, kd.valueSize(h));
        writer.copy(record, key, h, input, kd.valueSize(h), kd.timestamp(h));
        recordsCopied++;
      }
      writer.flush();
    } catch (err) {
      // Copies written so far are valid and their keys point at them; the rest still point at
      // the inputs, which are kept. Unpublished outputs are deleted by the next recovery.
      writer.discardPending();
      throw err;
    }
    await turns.pause();
  }

  await writer.publish(turns);
  assertNothingPointsInto(table, inputs);
  await beforeDelete();
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

/**
 * The record the keydir locates at `offset` of `input`, CRC-checked (by readRecord) and checked
 * to be a put of exactly `key` with a `valueSize`-byte value: a merge copies only what it read intact.
 */
function readLiveRecord(input: DataFile, offset: number, key: Uint8Array, valueSize: number): Buffer {
  const record = input.readRecord(offset, HEADER_SIZE + key.length + valueSize);
  const matches =
    record.readUInt32LE(KEY_SIZE_OFFSET) === key.length &&
    record.readUInt32LE(VALUE_SIZE_OFFSET) === valueSize &&
    (record[FLAGS_OFFSET]! & FLAG_TOMBSTONE) === 0 &&
    Buffer.compare(record.subarray(HEADER_SIZE, HEADER_SIZE + key.length), key) === 0;
  if (!matches) {
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `bitcask data file ${input.name} is corrupt at byte offset ${offset}: the record there is not the one the keydir expects; the merge stopped and nothing was deleted`,
      { details: { file: input.name, offset } },
    );
  }
  return record;
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
