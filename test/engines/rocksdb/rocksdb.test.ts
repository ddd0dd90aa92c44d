/** RocksDB engine edges: the LevelDB-family edges, read-only beside a writer, the delete probe's ordering. */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, openStore } from '../../../src/index.js';
import { newStore } from '../../support/engine-crash.js';
import { describeLevelDbFamilyEdges, holdLocked } from '../level/leveldb-family.js';

describeLevelDbFamilyEdges('rocksdb', 'rocksdb');

describe('rocksdb: read-only beside a writer', () => {
  it('a read-only open works while another process holds the store, and sees its writes so far', async () => {
    const { dir, db } = await newStore('rocksdb');
    await db.set('mine', '1');
    await db.close();
    const held = await holdLocked('rocksdb', path.join(dir, 'rocksdb'));
    try {
      const ro = await openStore({ dir, readOnly: true });
      expect((await ro.get('mine'))?.toString()).toBe('1');
      expect((await ro.get('from-child'))?.toString()).toBe('yes');
      await expect(ro.set('x', 'y')).rejects.toMatchObject({ code: ErrorCodes.READ_ONLY });
      await ro.close();
    } finally {
      await held.stop();
    }
  }, 20_000);
});

describe('rocksdb: ordering', () => {
  it('a delete then a set of the same key, unawaited: the delete saw the key and the set wins', async () => {
    const { db } = await newStore('rocksdb');
    try {
      await db.set('k', 'old');
      const deleted = db.delete('k');
      const set = db.set('k', 'new');
      const missing = db.delete('never-set');
      const read = db.get('k');
      expect(await deleted).toBe(true);
      expect(await missing).toBe(false);
      await set;
      expect((await read)?.toString()).toBe('new');
      expect((await db.get('k'))?.toString()).toBe('new');
    } finally {
      await db.close();
    }
  });

  it('unawaited deletes and sets of one key: each delete reports whether the key existed just before it', async () => {
    const { db } = await newStore('rocksdb');
    try {
      await db.set('a', '1');
      const results = [db.delete('a'), db.delete('a'), db.set('a', '2'), db.delete('a')];
      expect(await Promise.all(results)).toEqual([true, false, undefined, true]);
      expect(await db.get('a')).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});
