/** DeferredSync: the pending-commit flag, the interval timer and the flush at close. */
import { describe, expect, it } from 'vitest';
import { DeferredSync } from '../../../src/engines/shared/deferred-sync.js';

describe('DeferredSync', () => {
  it('flush syncs iff a commit is pending, and counts the syncs', async () => {
    let syncs = 0;
    const d = new DeferredSync(() => void syncs++, 'never', 1000, false);
    await d.flush();
    expect(syncs).toBe(0);
    d.committed();
    d.committed();
    await d.flush();
    await d.flush();
    expect(syncs).toBe(1);
    expect(d.count).toBe(1);
  });

  it('under "always" commits are durable already: nothing is ever pending', async () => {
    let syncs = 0;
    const d = new DeferredSync(() => void syncs++, 'always', 1000, false);
    d.committed();
    await d.flush();
    expect(syncs).toBe(0);
  });

  it('a failing sync keeps the commits pending and reports the error; the next flush retries', async () => {
    let fail = true;
    let syncs = 0;
    const d = new DeferredSync(async () => {
      if (fail) throw new Error('EIO');
      syncs++;
    }, 'never', 1000, false);
    d.committed();
    await expect(d.flush()).rejects.toThrow('EIO');
    expect(d.count).toBe(0);
    fail = false;
    await d.flush();
    expect(syncs).toBe(1);
    expect(d.count).toBe(1);
  });

  it('under "interval" the timer syncs pending commits, swallows a failure and retries on the next tick', async () => {
    let attempts = 0;
    const d = new DeferredSync(() => {
      attempts++;
      if (attempts === 1) throw new Error('busy');
    }, 'interval', 5, false);
    try {
      d.committed();
      await expect.poll(() => d.count, { timeout: 5000 }).toBe(1);
      expect(attempts).toBe(2);
    } finally {
      d.stop();
    }
  });

  it('no timer for a read-only store, and none after stop()', async () => {
    let syncs = 0;
    const ro = new DeferredSync(() => void syncs++, 'interval', 1, true);
    ro.committed();
    const rw = new DeferredSync(() => void syncs++, 'interval', 1, false);
    rw.stop();
    rw.committed();
    await new Promise((r) => setTimeout(r, 30));
    expect(syncs).toBe(0);
    await rw.flush(); // an explicit flush still works after stop (close's last sync)
    expect(syncs).toBe(1);
  });
});
