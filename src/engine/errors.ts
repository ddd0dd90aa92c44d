/**
 * The one error type of kvs. Every failure a caller can act on carries a stable `code`;
 * messages say what broke, where, and what to do about it. A missing key is not an error
 * (`get` returns `undefined`).
 */

/** Stable error codes. Never renamed once published: scripts and clients match on them. */
export const ErrorCodes = {
  /** An argument has the wrong type or an invalid value (empty key, bad limit, ...). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A key is longer than MAX_KEY_BYTES. */
  KEY_TOO_LARGE: 'KEY_TOO_LARGE',
  /** A value is longer than MAX_VALUE_BYTES. */
  VALUE_TOO_LARGE: 'VALUE_TOO_LARGE',
  /** The store is closing or closed. */
  NOT_OPEN: 'NOT_OPEN',
  /** Another live process holds the data directory. */
  LOCKED: 'LOCKED',
  /** The data directory was created by a different engine than the one requested. */
  ENGINE_MISMATCH: 'ENGINE_MISMATCH',
  /** No engine of that name is registered. */
  UNKNOWN_ENGINE: 'UNKNOWN_ENGINE',
  /** The engine is known but cannot run here (a native module is missing, ...). */
  ENGINE_UNAVAILABLE: 'ENGINE_UNAVAILABLE',
  /** The directory exists, holds files, and is not a kvs store. */
  NOT_A_STORE: 'NOT_A_STORE',
  /** A read-only open found no store at the directory. */
  STORE_NOT_FOUND: 'STORE_NOT_FOUND',
  /**
   * Stored bytes fail a checksum or do not parse, or a file the store needs is missing.
   * `details.file` names the file inside the store directory and `details.offset` the byte
   * offset, wherever the engine can tell.
   */
  CORRUPTION: 'CORRUPTION',
  /** The operating system refused an I/O operation. */
  IO_ERROR: 'IO_ERROR',
  /** The engine does not support the requested feature or option. */
  UNSUPPORTED: 'UNSUPPORTED',
  /** The store was opened read-only and a write was attempted. */
  READ_ONLY: 'READ_ONLY',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface KvsErrorOptions {
  cause?: unknown;
  /** Structured facts for programs (file, offset, pid, ...); the message already says them for people. */
  details?: Record<string, unknown>;
}

export class KvsError extends Error {
  override readonly name = 'KvsError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: KvsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True iff `err` is a KvsError, optionally with the given code. */
export function isKvsError(err: unknown, code?: ErrorCode): err is KvsError {
  return err instanceof KvsError && (code === undefined || err.code === code);
}

/** Wraps an operating-system error as IO_ERROR unless it already is a KvsError. */
export function ioError(what: string, err: unknown): KvsError {
  if (err instanceof KvsError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new KvsError(ErrorCodes.IO_ERROR, `${what}: ${reason}`, { cause: err });
}
