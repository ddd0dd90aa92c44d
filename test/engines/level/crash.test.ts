/** Durability under sync "always": every write acknowledged before SIGKILL is there after reopen. */
import { expect, it } from 'vitest';
import { openStore } from '../../../src/index.js';
import { killWriter, tempDir } from './child.js';

it('writes acknowledged under sync=always survive kill -9 of the writer', async () => {
  const dir = tempDir('kvs-level-crash-');
  const acked = await killWriter('level', dir, 200);
  const db = await openStore({ dir });
  try {
    for (const key of acked) expect((await db.get(key))?.toString()).toBe(`value-${key.slice(1)}`);
    expect(await db.count()).toBeGreaterThanOrEqual(acked.length);
  } finally {
    await db.close();
  }
}, 30_000);
