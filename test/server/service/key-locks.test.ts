import { describe, expect, it } from 'vitest';
import { KeyLocks } from '../../../src/server/service/key-locks.js';

const k = (s: string): Buffer => Buffer.from(s);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyLocks', () => {
  it('grants one key to waiters in the order they asked', async () => {
    const locks = new KeyLocks();
    const order: number[] = [];
    const first = await locks.lock([k('a')]);
    const waiters = [1, 2, 3].map((n) =>
      locks.lock([k('a')]).then((release) => {
        order.push(n);
        release();
      }),
    );
    await tick();
    expect(order).toEqual([]); // all wait behind the holder
    first();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('lets different keys be held at the same time', async () => {
    const locks = new KeyLocks();
    const a = await locks.lock([k('a')]);
    const b = await locks.lock([k('b')]); // would hang if keys shared one lock
    a();
    b();
  });

  it('does not deadlock on overlapping multi-key locks named in opposite orders', async () => {
    const locks = new KeyLocks();
    let inside = 0;
    let maxInside = 0;
    const run = async (keys: string[]): Promise<void> => {
      const release = await locks.lock(keys.map(k));
      inside++;
      maxInside = Math.max(maxInside, inside);
      await tick();
      inside--;
      release();
    };
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) jobs.push(run(['x', 'y', 'z']), run(['z', 'y', 'x']), run(['y', 'x']), run(['z']));
    await Promise.all(jobs);
    expect(maxInside).toBe(1); // every job shares a key with every other: never two inside
  });

  it('treats a key named twice as one lock', async () => {
    const locks = new KeyLocks();
    const release = await locks.lock([k('a'), k('a')]);
    release();
    const again = await locks.lock([k('a')]); // would hang if the duplicate held a second place in the queue
    again();
  });

  it('lockAll waits for every holder to release, and later key locks wait for it', async () => {
    const locks = new KeyLocks();
    const events: string[] = [];
    const a = await locks.lock([k('a')]);
    const b = await locks.lock([k('b')]);
    const all = locks.lockAll().then((release) => {
      events.push('all');
      return release;
    });
    const later = locks.lock([k('c')]).then((release) => {
      events.push('c');
      release();
    });
    await tick();
    expect(events).toEqual([]);
    a();
    await tick();
    expect(events).toEqual([]); // b still held
    b();
    const releaseAll = await all;
    await tick();
    expect(events).toEqual(['all']); // c queued behind the store-wide lock
    releaseAll();
    await later;
    expect(events).toEqual(['all', 'c']);
  });

  it('releasing twice is harmless', async () => {
    const locks = new KeyLocks();
    const release = await locks.lock([k('a')]);
    release();
    release();
    const all = await locks.lockAll(); // would hang if the active count went negative or stuck
    all();
  });
});

describe('KeyLocks.tryLock', () => {
  it('takes free keys at once, and refuses (locking nothing) when one is held, waited for, or the store is locked', async () => {
    const locks = new KeyLocks();
    const a = locks.tryLock([k('a'), k('b')]);
    expect(a).toBeDefined();
    expect(locks.tryLock([k('b'), k('c')])).toBeUndefined();
    const c = locks.tryLock([k('c')]);
    expect(c).toBeDefined(); // c was not left locked by the refusal above
    c!();
    let waited = false;
    const waiter = locks.lock([k('a')]).then((release) => {
      waited = true;
      return release;
    });
    a!();
    expect(locks.tryLock([k('a')])).toBeUndefined(); // the waiter is first in line
    (await waiter)();
    expect(waited).toBe(true);
    const all = await locks.lockAll();
    expect(locks.tryLock([k('z')])).toBeUndefined();
    all();
    expect(locks.tryLock([k('z')])).toBeDefined();
  });
});
