/**
 * A SQLite or LMDB store on a directory this process cannot write (a read-only bind mount,
 * EROFS): a writable open is READ_ONLY saying the directory refuses writes and the file is intact
 * (never "missing", never advice to remove anything), changes nothing, and a read-only open
 * serves every key. Needs root and mount rights; skipped, saying so in its name, elsewhere.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError, openStore } from '../../src/index.js';
import { buildReferenceStore, expectTrustworthy, freshCopy, openAndRead, snapshotDir } from '../support/fault-store.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted.splice(0)) spawnSync('umount', ['-l', dir]);
});

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Makes `dir` a read-only bind mount of itself; false iff this machine cannot. */
function bindReadOnly(dir: string): boolean {
  if (!run('mount', ['--bind', dir, dir])) return false;
  mounted.push(dir);
  return run('mount', ['-o', 'remount,bind,ro', dir]);
}

const probe = tempStoreDir('ro-probe');
const canBind = process.getuid?.() === 0 && bindReadOnly(probe) && run('umount', [mounted.pop()!]);
const itWhen = canBind ? it : it.skip;
const why = canBind ? '' : ' (SKIPPED: this machine cannot make a read-only bind mount: it needs root and mount rights)';

describe.each(['sqlite', 'lmdb'])('%s on a read-only file system', (engine) => {
  itWhen(`a writable open is READ_ONLY, says the file is intact, changes nothing; a read-only open serves every key (sqlite: says why it cannot)${why}`, async () => {
    const ref = await buildReferenceStore(engine, {}, { keys: 300 });
    const dir = freshCopy(ref, 'ro');
    const before = snapshotDir(dir);
    expect(bindReadOnly(dir)).toBe(true);
    const err = await openStore({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KvsError);
    const message = (err as KvsError).message;
    expect((err as KvsError).code, message).toBe(ErrorCodes.READ_ONLY);
    expect(message).toMatch(/read-only file system/);
    expect(message).not.toMatch(/missing|remove|start afresh|restore/);
    if (engine === 'sqlite') expect(message).toContain(`${path.basename('kvs.sqlite')} itself is intact`);
    expect(snapshotDir(dir)).toEqual(before);
    const outcome = await openAndRead(ref, dir, ref.model, { readOnly: true });
    expect(run('umount', ['-l', mounted.pop()!])).toBe(true); // lazy: lmdb-js may keep the file mapped after close
    if (engine === 'lmdb') {
      expect(outcome.kind).toBe('served');
      expectTrustworthy(outcome, ref.model);
    } else {
      // A WAL-mode SQLite database cannot be read where its -shm file cannot be created: said so, the file called intact.
      expect(outcome).toMatchObject({ kind: 'refused', changed: [], error: { code: ErrorCodes.UNSUPPORTED } });
      if (outcome.kind === 'refused') expect(outcome.error.message).toMatch(/intact/);
    }
  }, 60_000);
});
