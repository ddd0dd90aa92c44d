/**
 * SCAN cursors: each names the last key a SCAN call looked at; the next call resumes strictly
 * after it, so a key present for the whole iteration is returned exactly once whatever is
 * written meanwhile. Cursors are decimal numbers below 2^64, because clients parse them so
 * (redis-cli uses strtoull, go-redis a uint64).
 *
 * Encoding: a key of at most 7 bytes is the cursor itself, statelessly: decimal(0x01 || key)
 * (< 2^57; the 0x01 keeps leading zero bytes). A longer key gets a number >= 2^62 from a table
 * of the most recent cursors (bounded in entries and bytes, oldest forgotten first); a
 * forgotten cursor is `-ERR invalid cursor`. "0" starts and ends an iteration.
 * Single-threaded: used from the event loop only.
 */

const INLINE_KEY_BYTES = 7;
const TABLE_BASE = 2n ** 62n;
const U64_MAX = 2n ** 64n - 1n;

export interface CursorTableLimits {
  /** Most cursors of long keys remembered at once. */
  maxEntries: number;
  /** Most key bytes they may hold in all. */
  maxBytes: number;
}

export const DEFAULT_CURSOR_LIMITS: CursorTableLimits = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 };

export class ScanCursors {
  readonly #limits: CursorTableLimits;
  /** id -> key, in insertion order (a Map iterates oldest first). */
  readonly #table = new Map<bigint, Buffer>();
  #bytes = 0;
  #nextId = 1n;

  constructor(limits: CursorTableLimits = DEFAULT_CURSOR_LIMITS) {
    this.#limits = limits;
  }

  /** Number of cursors remembered (for tests). */
  get size(): number {
    return this.#table.size;
  }

  /** The cursor that resumes after `lastKey`. */
  encode(lastKey: Buffer): string {
    if (lastKey.length <= INLINE_KEY_BYTES) return BigInt(`0x01${lastKey.toString('hex')}`).toString(10);
    const id = this.#nextId++;
    const key = Buffer.from(lastKey); // the caller's buffer may be a view of something larger
    this.#table.set(id, key);
    this.#bytes += key.length;
    for (const [oldId, oldKey] of this.#table) {
      if (this.#table.size <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes) break;
      if (oldId === id) break; // keep the newest even if it alone is over the byte bound
      this.#table.delete(oldId);
      this.#bytes -= oldKey.length;
    }
    return (TABLE_BASE + id).toString(10);
  }

  /**
   * The key a cursor resumes after: `null` for "0" (the start), undefined iff the cursor is not
   * one this server returned, or was forgotten (the caller replies `-ERR invalid cursor`).
   */
  decode(cursor: Buffer): Buffer | null | undefined {
    if (cursor.length === 0 || cursor.length > 20) return undefined;
    for (const byte of cursor) if (byte < 0x30 || byte > 0x39) return undefined;
    const n = BigInt(cursor.toString('latin1'));
    if (n === 0n) return null;
    if (n > U64_MAX) return undefined;
    if (n >= TABLE_BASE) return this.#table.get(n - TABLE_BASE);
    const hex = n.toString(16);
    if (hex.length % 2 !== 1 || hex[0] !== '1' || hex.length < 3) return undefined;
    return Buffer.from(hex.slice(1), 'hex');
  }
}
