/**
 * toy: a small kvs engine, written as an example of how one is built. Every entry lives in a
 * sorted in-memory map that is saved as one JSON file, rewritten atomically (temporary file,
 * fsync under `always`, rename) by every write. One JS thread, synchronous hooks: a write is on
 * disk when its hook returns, so issue order holds for free.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BaseEngine, ErrorCodes, KvsError, inRange, resumeAfter } from 'kvs';

const FILE = 'toy.json';

/** What the toy engine can do; the conformance suite checks every claim. */
export const toySupports = {
  persistent: true,
  orderedScan: true,
  atomicBatch: true, // a batch is one rewrite of the file
  syncPolicies: ['always', 'never'],
  compaction: false,
  directory: true,
};

/** Keys as latin1 strings: one char per byte, so string order is byte order. */
const asKey = (bytes) => bytes.toString('latin1');

class ToyEngine extends BaseEngine {
  name = 'toy';
  supports = toySupports;
  #file;
  #fsync;
  /** key (latin1) -> value; `#sorted` is its keys in byte order, rebuilt lazily after a write. */
  #map;
  #sorted = undefined;

  constructor(options, map) {
    super(options);
    this.#file = path.join(options.dir, FILE);
    this.#fsync = options.sync === 'always';
    this.#map = map;
  }

  /** Opens (or creates) the store in `options.dir`; a file that does not parse is CORRUPTION. */
  static open(options) {
    const file = path.join(options.dir, FILE);
    const map = new Map();
    if (fs.existsSync(file)) {
      let entries;
      try {
        entries = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (!Array.isArray(entries)) throw new Error('not an array of entries');
      } catch (err) {
        throw new KvsError(ErrorCodes.CORRUPTION, `${file} does not parse (${err.message}); restore it from a backup`, { details: { file: FILE } });
      }
      for (const [k, v] of entries) map.set(Buffer.from(k, 'base64').toString('latin1'), Buffer.from(v, 'base64'));
    }
    return new ToyEngine(options, map);
  }

  _get(key) {
    const value = this.#map.get(asKey(key));
    return value === undefined ? undefined : Buffer.from(value);
  }

  _set(key, value) {
    this.#map.set(asKey(key), Buffer.from(value));
    this.#save();
  }

  _delete(key) {
    const existed = this.#map.delete(asKey(key));
    if (existed) this.#save();
    return existed;
  }

  _batch(ops) {
    for (const op of ops) {
      if (op.type === 'set') this.#map.set(asKey(op.key), Buffer.from(op.value));
      else this.#map.delete(asKey(op.key));
    }
    this.#save();
  }

  /**
   * Each step finds the first key of what is left of the range, so a scan sees writes made ahead
   * of it and never yields a key twice (the contract's scan rule).
   */
  *_scan(range) {
    let cursor = range;
    for (let left = range.limit; left > 0; left--) {
      const key = this.#firstIn(cursor);
      if (key === undefined) return;
      const k = Buffer.from(key, 'latin1');
      yield [k, Buffer.from(this.#map.get(key))];
      cursor = resumeAfter(cursor, k);
    }
  }

  _count() {
    return this.#map.size;
  }

  _compact() {
    const bytes = this.#diskBytes();
    return { bytesBefore: bytes, bytesAfter: bytes, reclaimedBytes: 0, details: { method: 'none: every write rewrites the file' } };
  }

  _stats() {
    return { engine: this.name, keys: this.#map.size, diskBytes: this.#diskBytes() };
  }

  _close() {}

  /** The first key of `range` in its direction, by binary search over the sorted keys. */
  #firstIn(range) {
    const keys = (this.#sorted ??= [...this.#map.keys()].sort());
    const bound = range.reverse ? range.upper : range.lower;
    let lo = 0;
    let hi = keys.length;
    if (bound !== undefined) {
      const b = asKey(bound.key);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const before = range.reverse ? keys[mid] <= b : keys[mid] < b; // forward: first key >= b; reverse: first key > b
        if (before) lo = mid + 1;
        else hi = mid;
      }
    } else if (range.reverse) lo = keys.length;
    const at = range.reverse ? lo - 1 : lo;
    for (let i = at; i >= 0 && i < keys.length; i += range.reverse ? -1 : 1) {
      const key = Buffer.from(keys[i], 'latin1');
      if (inRange(range, key)) return keys[i];
      if (range.reverse ? range.lower !== undefined && key.compare(range.lower.key) < 0 : range.upper !== undefined && key.compare(range.upper.key) > 0) return undefined;
    }
    return undefined;
  }

  #save() {
    this.#sorted = undefined;
    const entries = [...this.#map].map(([k, v]) => [Buffer.from(k, 'latin1').toString('base64'), v.toString('base64')]);
    const tmp = `${this.#file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(entries));
      if (this.#fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.#file);
    if (this.#fsync) {
      const dir = fs.openSync(path.dirname(this.#file), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
  }

  #diskBytes() {
    try {
      return fs.statSync(this.#file).size;
    } catch {
      return 0;
    }
  }
}

/** The engine's module: its manifest and its factory (what kvs/testing's suites take). */
export const toyEngine = { supports: toySupports, open: async (options) => ToyEngine.open(options) };

/** The registry entry, for registerEngine or for KVS_ENGINE_MODULES (`kvs --engine toy`, `kvs bench --engines toy`). */
export const engine = {
  name: 'toy',
  summary: 'a sorted map saved as one JSON file (the example of docs/writing-an-engine.md)',
  traits: {
    write: 'a write rewrites the whole JSON file, so its cost grows with the store',
    read: 'a get is one lookup in an in-memory map',
    scan: 'a scan binary-searches the sorted keys for each step',
  },
  load: async () => toyEngine,
};
