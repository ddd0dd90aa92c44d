/** openStore's rules, through the library: which engine a directory gets, the marker, and what a refused open leaves behind. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, MARKER_FILE, openStore, registerEngine, type KvsEngine } from '../../src/index.js';
import { MemoryEngine, memorySupports } from '../../src/engines/memory/memory-engine.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'KvsError', code });
  if (message !== undefined) await expect(promise).rejects.toThrow(message);
}

async function using<T>(db: KvsEngine, body: (db: KvsEngine) => Promise<T>): Promise<T> {
  try {
    return await body(db);
  } finally {
    await db.close();
  }
}

function marker(dir: string): { engine: string; markerVersion: number } {
  return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8')) as { engine: string; markerVersion: number };
}

describe('openStore: the directory remembers its engine', () => {
  it('a new store gets the default engine (bitcask) and a marker naming it', async () => {
    const dir = path.join(tempStoreDir('open'), 'new');
    await using(await openStore({ dir }), async (db) => {
      expect(db.name).toBe('bitcask');
      expect(marker(dir)).toMatchObject({ engine: 'bitcask', markerVersion: 1 });
    });
  });

  it('reopening without an engine uses the one the marker names', async () => {
    const dir = path.join(tempStoreDir('open'), 'lsm');
    await using(await openStore({ dir, engine: 'lsm' }), (db) => db.set('k', 'v'));
    await using(await openStore({ dir }), async (db) => {
      expect(db.name).toBe('lsm');
      expect((await db.get('k'))?.toString()).toBe('v');
    });
  });

  it('naming another engine than the marker is ENGINE_MISMATCH naming both, and changes nothing', async () => {
    const dir = path.join(tempStoreDir('open'), 'mismatch');
    await using(await openStore({ dir }), (db) => db.set('k', 'v'));
    const before = fs.readdirSync(dir).sort();
    await rejectsWith(openStore({ dir, engine: 'lsm' }), ErrorCodes.ENGINE_MISMATCH, /created by the bitcask engine, not lsm/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('a directory with files but no marker is NOT_A_STORE and is not written into', async () => {
    const dir = tempStoreDir('open');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    await rejectsWith(openStore({ dir }), ErrorCodes.NOT_A_STORE, /is not a kvs store/);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('readOnly and createIfMissing: false on a missing store are STORE_NOT_FOUND and create nothing', async () => {
    const root = tempStoreDir('open');
    await rejectsWith(openStore({ dir: path.join(root, 'a'), readOnly: true }), ErrorCodes.STORE_NOT_FOUND);
    await rejectsWith(openStore({ dir: path.join(root, 'b'), createIfMissing: false }), ErrorCodes.STORE_NOT_FOUND);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('a path that is a file is NOT_A_STORE', async () => {
    const file = path.join(tempStoreDir('open'), 'file');
    fs.writeFileSync(file, 'x');
    await rejectsWith(openStore({ dir: file }), ErrorCodes.NOT_A_STORE);
  });

  it('an engine without a directory (memory) ignores the directory and its marker', async () => {
    const dir = path.join(tempStoreDir('open'), 'bitcask');
    await using(await openStore({ dir }), (db) => db.set('k', 'v'));
    await using(await openStore({ dir, engine: 'memory' }), async (db) => {
      expect(db.name).toBe('memory');
      expect(await db.get('k')).toBeUndefined();
    });
    expect(marker(dir).engine).toBe('bitcask');
  });
});

describe('openStore: options are checked before anything is created', () => {
  it('an unknown engine is UNKNOWN_ENGINE listing the known ones', async () => {
    const dir = path.join(tempStoreDir('open'), 'x');
    await rejectsWith(openStore({ dir, engine: 'nosuch' }), ErrorCodes.UNKNOWN_ENGINE, /known engines: .*bitcask/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a bad sync policy, interval or onWarning is INVALID_ARGUMENT', async () => {
    const dir = path.join(tempStoreDir('open'), 'x');
    await rejectsWith(openStore({ dir, sync: 'sometimes' as never }), ErrorCodes.INVALID_ARGUMENT, /sync policy must be one of always, interval, never/);
    await rejectsWith(openStore({ dir, syncIntervalMs: 0 }), ErrorCodes.INVALID_ARGUMENT, /syncIntervalMs/);
    await rejectsWith(openStore({ dir, onWarning: 'loud' as never }), ErrorCodes.INVALID_ARGUMENT, /onWarning must be a function/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a sync policy the engine cannot honour is UNSUPPORTED naming what it supports', async () => {
    await rejectsWith(openStore({ engine: 'redis', url: 'redis://127.0.0.1:1', sync: 'always' }), ErrorCodes.UNSUPPORTED, /supports never/);
  });

  it('syncPolicy is the requested policy, or the engine\'s strongest when none is requested', async () => {
    const root = tempStoreDir('open');
    await using(await openStore({ dir: path.join(root, 'a') }), async (db) => expect(db.syncPolicy).toBe('always'));
    await using(await openStore({ dir: path.join(root, 'b'), sync: 'interval' }), async (db) => expect(db.syncPolicy).toBe('interval'));
  });

  it('a warning listener that throws does not stop the open it reports on', async () => {
    const dir = path.join(tempStoreDir('open'), 'w');
    await using(await openStore({ dir }), (db) => db.set('k', 'v'));
    const data = fs.readdirSync(dir).find((f) => f.endsWith('.data'))!;
    fs.appendFileSync(path.join(dir, data), Buffer.from([1, 2, 3])); // a torn tail: recovery warns
    let heard = 0;
    await using(
      await openStore({
        dir,
        onWarning: () => {
          heard++;
          throw new Error('listener bug');
        },
      }),
      async (db) => expect((await db.get('k'))?.toString()).toBe('v'),
    );
    expect(heard).toBe(1);
  });
});

describe('registerEngine', () => {
  it('a registered engine opens by name; names are checked and unique', async () => {
    registerEngine({ name: 'toy-memory', summary: 'a test engine', load: async () => ({ supports: memorySupports, open: async (o) => new MemoryEngine(o) }) });
    await using(await openStore({ engine: 'toy-memory' }), async (db) => {
      await db.set('k', 'v');
      expect((await db.get('k'))?.toString()).toBe('v');
    });
    expect(() => registerEngine({ name: 'toy-memory', summary: '', load: async () => ({ supports: memorySupports, open: async (o) => new MemoryEngine(o) }) })).toThrow(/already registered/);
    expect(() => registerEngine({ name: 'Bad Name', summary: '', load: async () => ({ supports: memorySupports, open: async (o) => new MemoryEngine(o) }) })).toThrow(/lowercase letters/);
  });
});
