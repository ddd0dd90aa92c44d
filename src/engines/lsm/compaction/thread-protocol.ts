/**
 * Messages between the engine (thread-client.ts) and its background thread
 * (compaction-thread.ts). Structured clone turns a Buffer into a plain Uint8Array, so key
 * bounds are revived as Buffers on receipt (reviveMeta). Nothing here touches the disk.
 */
import { ErrorCodes, KvsError, type ErrorCode } from '../../../engine/errors.js';
import type { FileMeta } from '../manifest/version-edit.js';
import type { TableOptions } from '../sstable/table-builder.js';
import type { CompactionResult } from './compaction.js';

/** What a compaction job needs: the pick, the version's levels (for the base-level test of deletion markers), and first output numbers. */
export interface CompactJob {
  type: 'compact';
  id: number;
  dir: string;
  tableOptions: TableOptions;
  targetFileSize: number;
  sliceBytes: number;
  smallestSnapshot: number;
  level: number;
  outputLevel: number;
  inputs: FileMeta[];
  nextInputs: FileMeta[];
  levels: FileMeta[][];
  /** File numbers the job may use for its outputs, reserved by the engine (pending outputs); more on request. */
  numbers: number[];
}

export interface FlushJob {
  type: 'flush';
  id: number;
  dir: string;
  tableOptions: TableOptions;
  number: number;
  /** flush.ts encodeFlushEntries(), transferred. */
  entries: Uint8Array;
}

export type ToThread = CompactJob | FlushJob | { type: 'numbers'; id: number; numbers: number[] };

export interface SerializedError {
  message: string;
  code?: string;
  details?: Record<string, unknown>;
}

export type FromThread =
  | { type: 'compacted'; id: number; result: CompactionResult }
  | { type: 'flushed'; id: number; meta: FileMeta }
  | { type: 'failed'; id: number; error: SerializedError }
  | { type: 'need-numbers'; id: number; count: number };

const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

export function reviveMeta(f: FileMeta): FileMeta {
  return { number: f.number, fileSize: f.fileSize, entryCount: f.entryCount, smallest: asBuffer(f.smallest), largest: asBuffer(f.largest) };
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof KvsError) return { message: err.message, code: err.code, details: err.details };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** The thread's error as the engine raises it: a KvsError keeps its code (CORRUPTION naming file and offset); anything else is IO_ERROR. */
export function reviveError(e: SerializedError, what: string): KvsError {
  if (e.code !== undefined) return new KvsError(e.code as ErrorCode, e.message, { details: e.details ?? {} });
  return new KvsError(ErrorCodes.IO_ERROR, `${what}: ${e.message}`);
}

/** The file numbers a compaction of `inputBytes` reserves up front; the thread asks for more below REFILL_BELOW. */
export function initialNumbers(inputBytes: number, targetFileSize: number): number {
  return Math.min(64, Math.ceil(inputBytes / targetFileSize) + 2);
}
export const REFILL_BELOW = 2;
