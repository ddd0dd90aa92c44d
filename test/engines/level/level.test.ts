/** LevelDB engine edges: the LevelDB-family edges, no read-only mode beside a writer, write ordering, compaction. */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, openStore } from '../../../src/index.js';
import { newStore } from '../../support/engine-crash.js';
import { describeLevelDbFamilyEdges, holdLocked } from './leveldb-family.js';

describeLevelDbFamilyEdges('level', 'leveldb');

describe('level: locking', () => {
  it('a read-only open is LOCKED too while another process holds the store (classic-level has no read-only mode)', async () => {
    const { dir, db } = await newStore('level');
    await db.close();
    const held = await holdLocked('level', path.join(dir, 'leveldb'));
    try {
      await expect(openStore({ dir, readOnly: true })).rejects.toMatchObject({ code: ErrorCodes.LOCKED });
    } finally {
      await held.stop();
    }
  }, 20_000);
});

describe('level: ordering and compaction', () => {
  it('writes issued without awaiting apply in issue order and each get sees the writes before it', async () => {
    const { db } = await newStore('level');
    try {
      const pending = [db.set('a', '1'), db.delete('a'), db.set('a', '2'), db.batch([{ type: 'set', key: 'b', value: 'x' }, { type: 'delete', key: 'a' }]), db.set('a', '3')];
      const reads = [db.get('a'), db.get('b'), db.has('a')];
      await Promise.all(pending);
      expect((await reads[0])?.toString()).toBe('3');
      expect((await reads[1])?.toString()).toBe('x');
      expect(await reads[2]).toBe(true);
      expect(await pending[1]).toBe(true); // the delete saw the set issued before it
    } finally {
      await db.close();
    }
  });

  it('compact reclaims space of overwritten values', async () => {
    const { db } = await newStore('level');
    try {
      const big = Buffer.alloc(10_000, 1);
      for (let round = 0; round < 5; round++) for (let i = 0; i < 50; i++) await db.set(`k${i}`, big);
      const result = await db.compact();
      expect(result.reclaimedBytes).toBeGreaterThan(0);
      expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
      expect(await db.count()).toBe(50);
    } finally {
      await db.close();
    }
  });
});
