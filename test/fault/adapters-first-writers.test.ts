/**
 * Processes creating one store at the same moment, on each adapter: an open that finds the
 * marker another process wrote a moment ago must wait for that process to create the library's
 * files (engines/shared/existing-store.ts), never call the store damaged and never create a
 * second database. Every process succeeds and every write is there. Needs `npm run build`
 * (the children load dist/). KVS_FIRST_WRITER_ROUNDS sets the rounds (default 3).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const ROUNDS = Number(process.env.KVS_FIRST_WRITER_ROUNDS ?? 3);
const WRITERS = 5;
const DIST = path.resolve('dist/index.js');

/** A child that opens `dir` (waiting up to 20 s for the lock), sets `key`, closes; resolves with its exit code and stderr. */
function writer(engine: string, dir: string, key: string): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { openStore } = await import(${JSON.stringify(DIST)});
    const db = await openStore({ engine: ${JSON.stringify(engine)}, dir: ${JSON.stringify(dir)}, lockTimeoutMs: 20000 });
    await db.set(${JSON.stringify(key)}, 'written');
    await db.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe.each(['level', 'rocksdb', 'sqlite', 'lmdb'])('%s: first writers racing to create one store', (engine) => {
  it(`${ROUNDS} rounds of ${WRITERS} processes creating the same new store: all succeed, every write is there`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = path.join(tempStoreDir(`first-${engine}`), 'store');
      const keys = Array.from({ length: WRITERS }, (_, i) => `writer-${i}`);
      const results = await Promise.all(keys.map((key) => writer(engine, dir, key)));
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr), `round ${round}`).toEqual([]);
      const db = await openStore({ dir, readOnly: true });
      try {
        for (const key of keys) expect((await db.get(key))?.toString(), `${key} in round ${round}`).toBe('written');
      } finally {
        await db.close();
      }
    }
  }, 180_000);
});
