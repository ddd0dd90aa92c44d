import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedHeap } from '../../src/util/bounded-heap.js';

const byNumber = (a: number, b: number): number => a - b;

function smallest(k: number, items: number[]): number[] {
  const heap = new BoundedHeap<number>(k, byNumber);
  for (const item of items) if (heap.wouldKeep(item, byNumber)) heap.push(item);
  return heap.drainSorted();
}

describe('BoundedHeap', () => {
  it('keeps the k smallest items, in order, whatever the input order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 200 }), (k, items) => {
        expect(smallest(k, items)).toEqual([...items].sort(byNumber).slice(0, k));
      }),
    );
  });

  it('with fewer items than k keeps them all', () => {
    expect(smallest(10, [3, 1, 2])).toEqual([1, 2, 3]);
  });

  it('rejects a candidate no smaller than the largest kept item once full', () => {
    const heap = new BoundedHeap<number>(2, byNumber);
    heap.push(1);
    heap.push(5);
    expect(heap.wouldKeep(5, byNumber)).toBe(false);
    expect(heap.wouldKeep(4, byNumber)).toBe(true);
  });
});
