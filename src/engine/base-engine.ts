/**
 * The contract's public methods, written once: each validates its input and the open state,
 * then calls a protected hook that an engine overrides. Engines see only checked Buffers.
 * Hooks may return a value or a promise; a synchronous hook's effects are visible to the
 * next call even before its promise is awaited.
 */
import { ErrorCodes, isKvsError, KvsError } from './errors.js';
import { isEmptyRange, toKeyRange, type KeyRange } from './key-range.js';
import { checkBatch, checkKey, checkValue, type CheckedOp } from './validate.js';
import type { BatchOp, BytesLike, CompactResult, EngineStats, EngineStatus, KvsEngine, ScanOptions, Supports, SyncPolicy, VerifyReport } from './types.js';

type MaybePromise<T> = T | Promise<T>;

export abstract class BaseEngine implements KvsEngine {
  abstract readonly name: string;
  abstract readonly supports: Supports;
  readonly readOnly: boolean;
  readonly syncPolicy: SyncPolicy;
  #status: EngineStatus = 'open';
  #closing: Promise<void> | undefined;

  /**
   * `readOnly` (default false) and `sync`, the policy the store really runs: an engine passes
   * what it honours, so callers never recompute it. Default "never", the one that promises nothing.
   */
  constructor(options: { readOnly?: boolean; sync?: SyncPolicy } = {}) {
    this.readOnly = options.readOnly ?? false;
    this.syncPolicy = options.sync ?? 'never';
  }

  get status(): EngineStatus {
    return this.#status;
  }

  // ---- hooks. Keys and values are validated; a hook must copy any Buffer it keeps. ----
  protected abstract _get(key: Buffer): MaybePromise<Buffer | undefined>;
  protected _has(key: Buffer): MaybePromise<boolean> {
    const value = this._get(key);
    return value instanceof Promise ? value.then((v) => v !== undefined) : value !== undefined;
  }
  protected abstract _set(key: Buffer, value: Buffer): MaybePromise<void>;
  /** Resolves true iff the key was present. */
  protected abstract _delete(key: Buffer): MaybePromise<boolean>;
  /** `ops` is non-empty and fully validated. */
  protected abstract _batch(ops: CheckedOp[]): MaybePromise<void>;
  /** `range` is non-empty; the hook must honour bounds, limit and direction. */
  protected abstract _scan(range: KeyRange): AsyncIterable<[Buffer, Buffer]> | Iterable<[Buffer, Buffer]>;
  protected abstract _count(): MaybePromise<number>;
  protected abstract _compact(): MaybePromise<CompactResult>;
  protected abstract _stats(): MaybePromise<EngineStats>;
  /** Called once; must wait for pending writes and make them durable. */
  protected abstract _close(): MaybePromise<void>;

  /**
   * Checks every stored record. The default reads the whole store through `_scan`, so it finds
   * what the read path checks (checksums of what is live) and reports the first CORRUPTION it
   * meets; an engine with files of its own overrides it to read every record and block.
   */
  protected async _verify(): Promise<VerifyReport> {
    let entries = 0;
    let bytes = 0;
    const notChecked = [`the ${this.name} engine checks only what a full scan reads: live entries, through its read path`];
    try {
      const source = this._scan({ limit: Infinity, reverse: false });
      for await (const [key, value] of source as AsyncIterable<[Buffer, Buffer]>) {
        entries++;
        bytes += key.length + value.length;
      }
    } catch (err) {
      if (!isKvsError(err, ErrorCodes.CORRUPTION)) throw err;
      const { file, offset } = err.details as { file?: unknown; offset?: unknown };
      const problem = { file: typeof file === 'string' ? file : '(unknown file)', message: err.message };
      return { ok: false, checked: { entries, bytes }, problems: [typeof offset === 'number' ? { ...problem, offset } : problem], notChecked };
    }
    return { ok: true, checked: { entries, bytes }, problems: [], notChecked };
  }

  protected assertOpen(): void {
    if (this.#status !== 'open') {
      throw new KvsError(ErrorCodes.NOT_OPEN, `the ${this.name} store is ${this.#status}; open it again to use it`);
    }
  }

  protected assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) {
      throw new KvsError(ErrorCodes.READ_ONLY, `the ${this.name} store was opened read-only; open it without readOnly to write`);
    }
  }

  async get(key: BytesLike): Promise<Buffer | undefined> {
    this.assertOpen();
    return this._get(checkKey(key));
  }

  async has(key: BytesLike): Promise<boolean> {
    this.assertOpen();
    return this._has(checkKey(key));
  }

  async set(key: BytesLike, value: BytesLike): Promise<void> {
    this.assertWritable();
    return this._set(checkKey(key), checkValue(value));
  }

  async delete(key: BytesLike): Promise<boolean> {
    this.assertWritable();
    return this._delete(checkKey(key));
  }

  async batch(ops: readonly BatchOp[]): Promise<void> {
    this.assertWritable();
    const checked = checkBatch(ops);
    if (checked.length > 0) await this._batch(checked);
  }

  scan(options: ScanOptions = {}): AsyncIterable<[Buffer, Buffer]> {
    const range = toKeyRange(options);
    return {
      [Symbol.asyncIterator]: () => {
        this.assertOpen();
        if (isEmptyRange(range)) return emptyIterator();
        const source = this._scan(range);
        const inner = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
        return {
          next: async () => {
            this.assertOpen();
            return inner.next();
          },
          return: async () => (inner.return ? inner.return() : { done: true, value: undefined }),
        };
      },
    };
  }

  async count(): Promise<number> {
    this.assertOpen();
    return this._count();
  }

  async compact(): Promise<CompactResult> {
    this.assertWritable();
    return this._compact();
  }

  async stats(): Promise<EngineStats> {
    this.assertOpen();
    return this._stats();
  }

  async verify(): Promise<VerifyReport> {
    this.assertOpen();
    return this._verify();
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#status = 'closing';
      this.#closing = (async () => {
        try {
          await this._close();
        } finally {
          this.#status = 'closed';
        }
      })();
    }
    return this.#closing;
  }
}

function emptyIterator(): AsyncIterator<[Buffer, Buffer]> {
  return { next: async () => ({ done: true, value: undefined }) };
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return {
    next: async () => it.next(),
    return: async () => (it.return ? it.return() : { done: true, value: undefined }),
  };
}
