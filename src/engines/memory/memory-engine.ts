/**
 * The memory engine: the contract over a sorted in-memory map, nothing on disk. It is the
 * reference model that property tests compare every other engine against, so it favours
 * obviousness over speed. Every operation is synchronous, hence trivially atomic.
 */
import { BaseEngine } from '../../engine/base-engine.js';
import { aboveLower, belowUpper, type KeyRange } from '../../engine/key-range.js';
import type { CompactResult, EngineStats, Supports } from '../../engine/types.js';
import type { CheckedOp } from '../../engine/validate.js';
import { SortedMap } from './sorted-map.js';

export const memorySupports: Supports = {
  persistent: false,
  orderedScan: true,
  atomicBatch: true,
  syncPolicies: ['always', 'interval', 'never'],
  compaction: false,
  directory: false,
};

const latin1 = (key: Buffer): string => key.toString('latin1');

export class MemoryEngine extends BaseEngine {
  readonly name = 'memory';
  readonly supports = memorySupports;
  readonly #map = new SortedMap();
  #bytes = 0;

  protected _get(key: Buffer): Buffer | undefined {
    const value = this.#map.get(latin1(key));
    return value === undefined ? undefined : Buffer.from(value);
  }

  protected _set(key: Buffer, value: Buffer): void {
    const k = latin1(key);
    const old = this.#map.get(k);
    this.#bytes += value.length - (old === undefined ? -key.length : old.length);
    this.#map.set(k, Buffer.from(value));
  }

  protected _delete(key: Buffer): boolean {
    const k = latin1(key);
    const old = this.#map.get(k);
    if (old === undefined) return false;
    this.#bytes -= key.length + old.length;
    return this.#map.delete(k);
  }

  protected _batch(ops: CheckedOp[]): void {
    for (const op of ops) {
      if (op.type === 'set') this._set(op.key, op.value);
      else this._delete(op.key);
    }
  }

  /** Re-seeks by key after every step, so writes during a scan never skip or repeat an entry. */
  protected *_scan(range: KeyRange): Iterable<[Buffer, Buffer]> {
    const map = this.#map;
    const { lower, upper } = range;
    // The first key to visit, then each following one: "after" the last key in scan direction.
    let key = range.reverse
      ? upper === undefined ? map.keyAt(map.size - 1) : this.#before(latin1(upper.key), upper.inclusive)
      : lower === undefined ? map.keyAt(0) : this.#after(latin1(lower.key), lower.inclusive);
    for (let yielded = 0; key !== undefined && yielded < range.limit; yielded++) {
      const kb = Buffer.from(key, 'latin1');
      if (range.reverse ? !aboveLower(range, kb) : !belowUpper(range, kb)) return;
      const value = map.get(key);
      if (value !== undefined) yield [kb, Buffer.from(value)];
      key = range.reverse ? this.#before(key, false) : this.#after(key, false);
    }
  }

  /** The first key above `key` (or equal to it, when inclusive). */
  #after(key: string, inclusive: boolean): string | undefined {
    let index = this.#map.lowerBound(key);
    if (!inclusive && this.#map.keyAt(index) === key) index++;
    return this.#map.keyAt(index);
  }

  /** The last key below `key` (or equal to it, when inclusive). */
  #before(key: string, inclusive: boolean): string | undefined {
    const index = this.#map.lowerBound(key);
    if (inclusive && this.#map.keyAt(index) === key) return key;
    return this.#map.keyAt(index - 1);
  }

  protected _count(): number {
    return this.#map.size;
  }

  protected _compact(): CompactResult {
    return { bytesBefore: 0, bytesAfter: 0, reclaimedBytes: 0, details: {} };
  }

  protected _stats(): EngineStats {
    return { engine: this.name, keys: this.#map.size, diskBytes: 0, memoryBytes: this.#bytes };
  }

  protected _close(): void {}
}
