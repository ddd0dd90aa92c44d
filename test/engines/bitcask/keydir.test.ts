/** Keydir: the open-addressing index, handle stability, arena compaction, and a Map model. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Keydir, ENTRY_BYTES, hashBytes } from '../../../src/engines/bitcask/keydir.js';

const key = (s: string): Buffer => Buffer.from(s, 'latin1');

interface Loc {
  fileId: number;
  offset: number;
  valueSize: number;
  timestamp: number;
}

function locOf(kd: Keydir, handle: number): Loc {
  return {
    fileId: kd.fileId(handle),
    offset: kd.offset(handle),
    valueSize: kd.valueSize(handle),
    timestamp: kd.timestamp(handle),
  };
}

/** Every entry of `model` is findable with its location and key bytes, and nothing else is live. */
function expectMatches(kd: Keydir, model: Map<string, Loc>): void {
  expect(kd.size).toBe(model.size);
  for (const [k, loc] of model) {
    const h = kd.find(key(k));
    expect(h, `find ${JSON.stringify(k)}`).toBeGreaterThanOrEqual(0);
    expect(locOf(kd, h)).toEqual(loc);
    expect(kd.keyView(h).toString('latin1')).toBe(k);
  }
  const seen = new Set<string>();
  kd.forEach((h) => seen.add(kd.keyView(h).toString('latin1')));
  expect(seen.size).toBe(model.size);
  for (const k of seen) expect(model.has(k)).toBe(true);
}

describe('Keydir', () => {
  it('insert, find, update and remove one key', () => {
    const kd = new Keydir();
    expect(kd.find(key('a'))).toBe(-1);
    const h = kd.insert(key('a'), 1, 2, 3, 4);
    expect(kd.size).toBe(1);
    expect(kd.find(key('a'))).toBe(h);
    expect(locOf(kd, h)).toEqual({ fileId: 1, offset: 2, valueSize: 3, timestamp: 4 });
    kd.update(h, 5, 6, 7, 8);
    expect(locOf(kd, h)).toEqual({ fileId: 5, offset: 6, valueSize: 7, timestamp: 8 });
    kd.remove(h);
    expect(kd.size).toBe(0);
    expect(kd.find(key('a'))).toBe(-1);
  });

  it('stores u32 extremes without wrapping and rejects values outside u32', () => {
    const kd = new Keydir();
    const max = 0xffff_ffff;
    const h = kd.insert(key('k'), max, max, max, max);
    expect(locOf(kd, h)).toEqual({ fileId: max, offset: max, valueSize: max, timestamp: max });
    expect(() => kd.update(h, 0, 2 ** 32, 0, 0)).toThrow(RangeError);
    expect(() => kd.insert(key('j'), -1, 0, 0, 0)).toThrow(RangeError);
    expect(() => kd.insert(key('j'), 0, 1.5, 0, 0)).toThrow(RangeError);
  });

  it('a key prefix and a key extension are different keys', () => {
    const kd = new Keydir();
    const ab = kd.insert(key('ab'), 1, 0, 0, 0);
    expect(kd.find(key('a'))).toBe(-1);
    expect(kd.find(key('abc'))).toBe(-1);
    const a = kd.insert(key('a'), 2, 0, 0, 0);
    expect(kd.find(key('ab'))).toBe(ab);
    expect(kd.find(key('a'))).toBe(a);
  });

  it('insert copies the key bytes, so the caller may reuse its buffer', () => {
    const kd = new Keydir();
    const scratch = key('abc');
    const h = kd.insert(scratch, 1, 0, 0, 0);
    scratch.fill(0x7a);
    expect(kd.keyView(h).toString('latin1')).toBe('abc');
    expect(kd.find(key('abc'))).toBe(h);
  });

  it('remove then reinsert reuses the freed handle', () => {
    const kd = new Keydir();
    const handles = ['a', 'b', 'c'].map((k, i) => kd.insert(key(k), i, 0, 0, 0));
    kd.remove(handles[1]!);
    const h = kd.insert(key('d'), 9, 0, 0, 0);
    expect(h).toBe(handles[1]);
    expect(kd.find(key('b'))).toBe(-1);
    expect(kd.find(key('d'))).toBe(h);
    expect(kd.fileId(h)).toBe(9);
  });

  it('growth past several doublings keeps every entry and every handle', () => {
    const kd = new Keydir(1);
    const handles = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const k = `key${String(i).padStart(6, '0')}`;
      handles.set(k, kd.insert(key(k), i, i * 3, i % 97, i + 1));
    }
    expect(kd.size).toBe(20_000);
    let i = 0;
    for (const [k, h] of handles) {
      expect(kd.find(key(k))).toBe(h);
      expect(locOf(kd, h)).toEqual({ fileId: i, offset: i * 3, valueSize: i % 97, timestamp: i + 1 });
      i++;
    }
  });

  it('backward-shift deletion keeps colliding keys findable', () => {
    // Initial capacity 8 gives a 16-slot index. Keys homed at slot h and h+1 (interleaved)
    // form one probe run; deleting its middle members must move only the keys allowed to move.
    const homed = (slot: number, n: number): string[] => {
      const found: string[] = [];
      for (let i = 0; found.length < n; i++) {
        if ((hashBytes(key(`c${i}`)) & 15) === slot) found.push(`c${i}`);
      }
      return found;
    };
    // Slots 15, 0, 1, 2, 3 hold homes 15, 15, 1, 15, 0: removing slot 0 must leave the key
    // at its home slot 1 and pull the later two back.
    const [a, c, b] = [homed(15, 3), homed(1, 1), homed(0, 1)];
    const colliding = [a[0]!, a[1]!, c[0]!, a[2]!, b[0]!];
    const kd = new Keydir(8);
    const model = new Map<string, Loc>();
    for (const [i, k] of colliding.entries()) {
      kd.insert(key(k), i, 0, 0, 0);
      model.set(k, { fileId: i, offset: 0, valueSize: 0, timestamp: 0 });
    }
    for (const victim of [colliding[1]!, colliding[0]!, colliding[3]!]) {
      kd.remove(kd.find(key(victim)));
      model.delete(victim);
      expect(kd.find(key(victim))).toBe(-1);
      expectMatches(kd, model);
    }
  });

  it('backward-shift deletion under heavy churn at full load keeps the model', () => {
    const kd = new Keydir(8);
    const model = new Map<string, Loc>();
    for (let round = 0; round < 2_000; round++) {
      const k = `k${(round * 7919) % 400}`;
      const h = kd.find(key(k));
      if (h >= 0) {
        kd.remove(h);
        model.delete(k);
      } else {
        kd.insert(key(k), round, 0, 0, 0);
        model.set(k, { fileId: round, offset: 0, valueSize: 0, timestamp: 0 });
      }
    }
    expectMatches(kd, model);
  });

  it('arena compaction keeps keys and handles', () => {
    const kd = new Keydir(8);
    const handles = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const k = `some-longer-key-${i}`;
      handles.set(k, kd.insert(key(k), i, 0, 0, 0));
    }
    const peak = kd.memoryBytes;
    // Removing three quarters of the keys pushes garbage past half the arena.
    for (const [k, h] of handles) {
      if (kd.fileId(h) % 4 !== 0) {
        kd.remove(h);
        handles.delete(k);
      }
    }
    expect(kd.memoryBytes).toBeLessThan(peak);
    for (const [k, h] of handles) {
      expect(kd.find(key(k))).toBe(h);
      expect(kd.keyView(h).toString('latin1')).toBe(k);
    }
  });

  it('binary keys with 0x00 and 0xff bytes', () => {
    const kd = new Keydir();
    const keys = [
      Buffer.from([0x00]),
      Buffer.from([0xff]),
      Buffer.from([0x00, 0x00]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x00, 0xff, 0x00, 0xff]),
    ];
    const handles = keys.map((k, i) => kd.insert(k, i, 0, 0, 0));
    keys.forEach((k, i) => {
      expect(kd.find(k)).toBe(handles[i]);
      expect(kd.keyView(handles[i]!).equals(k)).toBe(true);
    });
    expect(kd.find(Buffer.from([0x00, 0x00, 0x00]))).toBe(-1);
  });

  it('keys of length 1 and 65536, and nothing outside 1..65536', () => {
    const kd = new Keydir();
    const long = Buffer.alloc(65_536, 0xab);
    const h1 = kd.insert(Buffer.from([7]), 1, 0, 0, 0);
    const hl = kd.insert(long, 2, 0, 0, 0);
    expect(kd.find(Buffer.from([7]))).toBe(h1);
    expect(kd.find(long)).toBe(hl);
    expect(kd.keyView(hl).length).toBe(65_536);
    const almost = Buffer.from(long);
    almost[65_535] = 0xac;
    expect(kd.find(almost)).toBe(-1);
    expect(() => kd.insert(Buffer.alloc(0), 0, 0, 0, 0)).toThrow(RangeError);
    expect(() => kd.insert(Buffer.alloc(65_537), 0, 0, 0, 0)).toThrow(RangeError);
  });

  it('clear removes everything and the keydir stays usable', () => {
    const kd = new Keydir(8);
    for (let i = 0; i < 1_000; i++) kd.insert(key(`k${i}`), i, 0, 0, 0);
    kd.clear();
    expect(kd.size).toBe(0);
    expect(kd.find(key('k1'))).toBe(-1);
    kd.forEach(() => expect.unreachable());
    const h = kd.insert(key('k1'), 3, 0, 0, 0);
    expect(kd.find(key('k1'))).toBe(h);
  });

  it('memoryBytes grows with content and stays near the design width', () => {
    const kd = new Keydir();
    const empty = kd.memoryBytes;
    const n = 50_000;
    for (let i = 0; i < n; i++) kd.insert(key(`user:${String(i).padStart(8, '0')}`), 0, 0, 0, 0);
    expect(kd.memoryBytes).toBeGreaterThan(empty);
    // Worst case just after every structure doubled: 2 entry rows, 8 index slots, 1.5x arena.
    expect(kd.memoryBytes / n).toBeLessThan(2 * ENTRY_BYTES + 8 * 4 + 1.5 * 13 + 1);
  });

  it('matches a Map over 50k random operations', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        let state = seed >>> 0 || 1;
        const rand = (n: number): number => {
          // xorshift32: fast, seeded, good enough to pick operations.
          state ^= state << 13;
          state ^= state >>> 17;
          state ^= state << 5;
          return (state >>> 0) % n;
        };
        const kd = new Keydir(4);
        const model = new Map<string, Loc>();
        // A small pool of binary keys (lengths 1..40, short ones collide and repeat) makes
        // hits, updates and removes as common as inserts.
        const pool: string[] = [];
        for (let i = 0; i < 3_000; i++) {
          const len = 1 + rand(40);
          pool.push(String.fromCharCode(...Array.from({ length: len }, () => rand(256))));
        }
        for (let op = 0; op < 50_000; op++) {
          const k = pool[rand(pool.length)]!;
          const h = kd.find(key(k));
          expect(h >= 0).toBe(model.has(k));
          const loc = { fileId: rand(2 ** 31) * 2, offset: op, valueSize: rand(1000), timestamp: op + 1 };
          const choice = rand(3);
          if (h < 0) {
            if (choice !== 0) {
              kd.insert(key(k), loc.fileId, loc.offset, loc.valueSize, loc.timestamp);
              model.set(k, loc);
            }
          } else if (choice === 0) {
            kd.remove(h);
            model.delete(k);
          } else {
            expect(locOf(kd, h)).toEqual(model.get(k));
            kd.update(h, loc.fileId, loc.offset, loc.valueSize, loc.timestamp);
            model.set(k, loc);
          }
        }
        expectMatches(kd, model);
      }),
      { numRuns: 3 },
    );
  });
});
