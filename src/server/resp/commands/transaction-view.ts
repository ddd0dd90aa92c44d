/**
 * The view of the store inside EXEC: an overlay of the transaction's writes over the engine.
 * EXEC holds the locks of every key its commands name for the whole run, so no other client's
 * write interleaves; reads see the transaction's own earlier writes; writes are validated when
 * made (a bad one fails its command only, as in Redis) and kept, the last one per key winning.
 * `ops()` is then the transaction's effect as one batch, in first-write order of the keys.
 */
import type { BatchOp } from '../../../engine/types.js';
import { checkKey, checkValue } from '../../../engine/validate.js';
import type { LockedOps } from '../../service/kv-service.js';
import type { KvView } from './kv-view.js';

export class TransactionView implements KvView {
  /** key (latin1) -> [key, value], or [key, null] for a delete. */
  readonly #writes = new Map<string, [Buffer, Buffer | null]>();
  readonly #base: LockedOps;
  readonly #ops: LockedOps;

  /** `base`: the locked operations of EXEC (reads of the engine; nothing written through it until the end). */
  constructor(base: LockedOps) {
    this.#base = base;
    this.#ops = {
      get: (key) => this.get(key),
      set: async (key, value) => this.#write(checkKey(key), checkValue(value)),
      delete: async (key) => {
        const k = checkKey(key);
        if (!(await this.has(k))) return false;
        this.#write(k, null);
        return true;
      },
      batch: async (ops) => {
        const checked = ops.map((op) => (op.type === 'set' ? ([checkKey(op.key), checkValue(op.value)] as const) : ([checkKey(op.key), null] as const)));
        for (const [key, value] of checked) this.#write(key, value);
      },
    };
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    const written = this.#writes.get(key.toString('latin1'));
    if (written !== undefined) return written[1] ?? undefined;
    return this.#base.get(key);
  }

  async has(key: Buffer): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  withKeys<T>(_keys: readonly Buffer[], fn: (ops: LockedOps) => Promise<T>): Promise<T> {
    return fn(this.#ops); // EXEC already holds every key's lock
  }

  set(key: Buffer, value: Buffer): Promise<void> {
    return this.#ops.set(key, value);
  }

  batch(ops: readonly BatchOp[]): Promise<void> {
    return this.#ops.batch(ops);
  }

  /** The transaction's writes as one batch (empty when it wrote nothing). */
  ops(): BatchOp[] {
    return [...this.#writes.values()].map(([key, value]) => (value === null ? { type: 'delete', key } : { type: 'set', key, value }));
  }

  #write(key: Buffer, value: Buffer | null): void {
    this.#writes.set(key.toString('latin1'), [key, value]);
  }
}
