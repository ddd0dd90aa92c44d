/** The store marker (src/engine/store-marker.ts): created once and never replaced; the file in a bad path is named. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, openStore } from '../../src/index.js';
import { createMarker, MARKER_FILE, readMarker } from '../../src/engine/store-marker.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

describe('createMarker', () => {
  it('the first marker wins: a second creator with another engine gets the first one back, and the file is unchanged', () => {
    const dir = path.join(tempStoreDir('marker'), 'store');
    expect(createMarker(dir, 'lsm')).toEqual({ engine: 'lsm', markerVersion: 1 });
    const bytes = fs.readFileSync(path.join(dir, MARKER_FILE));
    expect(createMarker(dir, 'bitcask')).toEqual({ engine: 'lsm', markerVersion: 1 });
    expect(fs.readFileSync(path.join(dir, MARKER_FILE))).toEqual(bytes);
    expect(fs.readdirSync(dir)).toEqual([MARKER_FILE]); // no temporary file left
    expect(readMarker(dir)?.engine).toBe('lsm');
  });

  it('openStore without an engine, racing one with lsm to create a store: both end up on the engine whose marker won', async () => {
    for (let round = 0; round < 20; round++) {
      const dir = path.join(tempStoreDir('marker'), 'store');
      const [a, b] = await Promise.allSettled([openStore({ dir, engine: 'lsm', lockTimeoutMs: 5000 }), openStore({ dir, lockTimeoutMs: 5000 })]);
      const engine = readMarker(dir)!.engine;
      for (const r of [a, b]) {
        if (r.status === 'fulfilled') {
          expect(r.value.name).toBe(engine);
          await r.value.close();
        } else {
          expect(r.reason).toMatchObject({ code: expect.stringMatching(/^(LOCKED|ENGINE_MISMATCH)$/) });
        }
      }
    }
  });

  it('a path below a regular file is NOT_A_STORE naming that file, for reads and for writes', async () => {
    const root = tempStoreDir('marker');
    fs.writeFileSync(path.join(root, 'file'), 'x');
    const dir = path.join(root, 'file', 'deeper');
    for (const readOnly of [true, false]) {
      const err = await openStore({ dir, readOnly }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.NOT_A_STORE, details: { dir, file: path.join(root, 'file') } });
      expect((err as Error).message).toBe(`${dir} cannot be a directory: ${path.join(root, 'file')} is a file; choose a store directory elsewhere`);
    }
  });
});
