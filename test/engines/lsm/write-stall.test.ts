/**
 * The write-stall rule (write-stall.ts) on a hand-made state: at the level-0 slowdown trigger a
 * write goes ahead at once and only its acknowledgment is delayed; a full memtable that cannot
 * be switched makes the write wait.
 */
import { describe, expect, it } from 'vitest';
import type { BackgroundWorker } from '../../../src/engines/lsm/background.js';
import { newCounters } from '../../../src/engines/lsm/lsm-stats.js';
import { DEFAULT_OPTIONS } from '../../../src/engines/lsm/options.js';
import type { StoreState } from '../../../src/engines/lsm/store-state.js';
import { roomNow, slowDown } from '../../../src/engines/lsm/write-stall.js';

function state(l0: number, memBytes: number, imm: boolean): StoreState {
  const options = { ...DEFAULT_OPTIONS, l0SlowdownTrigger: 8, l0StopTrigger: 12, memtableSize: 1000 };
  return {
    options,
    closing: false,
    counters: newCounters(),
    mem: { approximateBytes: memBytes },
    imm: imm ? {} : undefined,
    vs: { current: { levels: [Array.from({ length: l0 }, () => ({}))] } },
  } as unknown as StoreState;
}
const worker = { schedule: () => undefined } as unknown as BackgroundWorker;

describe('lsm write-stall rule', () => {
  it('below the slowdown trigger a write goes ahead now', () => {
    const s = state(7, 10, false);
    expect(roomNow(s, worker)).toBe('now');
    expect(s.counters.writeSlowdowns).toBe(0);
  });

  it('at the slowdown trigger a write goes ahead too, marked slow and counted', () => {
    const s = state(8, 10, false);
    expect(roomNow(s, worker)).toBe('slow');
    expect(s.counters.writeSlowdowns).toBe(1);
  });

  it('a full memtable whose predecessor is still flushing makes the write wait, slowdown or not', () => {
    expect(roomNow(state(0, 1000, true), worker)).toBe(false);
    expect(roomNow(state(9, 1000, true), worker)).toBe(false);
  });

  it('a full memtable at the stop trigger makes the write wait', () => {
    expect(roomNow(state(12, 1000, false), worker)).toBe(false);
  });

  it('slowDown settles with the result behind a timer, not on a microtask', async () => {
    // Order, not elapsed time: a 1 ms timer may fire early by performance.now() when the loop's clock is stale.
    let settled = false;
    const slowed = slowDown(Promise.resolve(42)).then((v) => {
      settled = true;
      return v;
    });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(settled).toBe(false);
    expect(await slowed).toBe(42);
  });
});
