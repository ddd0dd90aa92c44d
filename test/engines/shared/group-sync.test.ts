import { describe, expect, it } from 'vitest';
import { GroupSync } from '../../../src/engines/shared/group-sync.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('GroupSync', () => {
  it('callers arriving during an fsync share the next one', async () => {
    let calls = 0;
    const sync = new GroupSync(async () => {
      calls++;
      await tick();
    });
    const first = sync.request();
    const waiting = Array.from({ length: 10 }, () => sync.request());
    await Promise.all([first, ...waiting]);
    expect(calls).toBe(2);
    expect(sync.count).toBe(2);
  });

  it('a caller is acknowledged only by an fsync that started after its call', async () => {
    const started: number[] = [];
    let now = 0;
    const sync = new GroupSync(async () => {
      started.push(now);
      await tick();
    });
    const a = sync.request();
    now = 1; // "write" made after the first fsync started
    const b = sync.request();
    await Promise.all([a, b]);
    expect(started).toEqual([0, 1]);
  });

  it('after a failed fsync, queued and later callers all reject, even if an fsync would now succeed', async () => {
    let fail = true;
    const sync = new GroupSync(async () => {
      await tick();
      if (fail) {
        fail = false;
        throw new Error('EIO');
      }
    });
    const first = sync.request();
    const queued = sync.request();
    await expect(first).rejects.toThrow('EIO');
    await expect(queued).rejects.toThrow('EIO');
    await expect(sync.request()).rejects.toThrow('EIO');
    expect(sync.count).toBe(1);
  });
});
