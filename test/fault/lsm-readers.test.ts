/**
 * Slow: read-only opens (what `kvs get` does) in this process while another process writes to
 * the store and compacts it, retiring tables, WALs and manifests all the time. Every reader must
 * open and read without an error: a file it expected that a compaction retired is a reason to
 * re-read CURRENT and the manifest, never CORRUPTION ("table file … is missing … restore it from a
 * backup") and never a raw ENOENT (before: 4–16 of every 25 reads failed one of those ways).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { DIST_INDEX, distIsBuilt } from '../support/crash-writer.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

const KEYS = 200;
const OPTIONS = { memtableSize: 4096, blockSize: 512, targetFileSize: 8192, level1MaxBytes: 16384, l0CompactionTrigger: 2, compactionSliceBytes: 1024 };
const ROUNDS = Number(process.env.KVS_READER_ROUNDS ?? 60);

/** Overwrites k0..k199 with "<key>=<i>" forever, compacting every 500 writes; prints "ready" once every key exists. */
function writerScript(dir: string): string {
  return `
import { openStore } from ${JSON.stringify(DIST_INDEX.href)};
const db = await openStore({ engine: 'lsm', dir: ${JSON.stringify(dir)}, sync: 'never', options: ${JSON.stringify(OPTIONS)} });
for (let i = 0; ; i++) {
  const key = 'k' + (i % ${KEYS});
  await db.set(key, key + '=' + i);
  if (i === ${KEYS}) process.stdout.write('ready\\n');
  if (i % 500 === 499) await db.compact();
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
`;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('lsm: read-only opens beside a live writer (real processes)', () => {
  it('dist is built (run `npx tsc -p tsconfig.build.json`)', () => {
    expect(distIsBuilt()).toBe(true);
  });

  it(`${ROUNDS} read-only opens while another process writes and compacts: every one opens, reads every key right and counts ${KEYS}`, async () => {
    const dir = path.join(tempStoreDir('lsm-readers'), 'store');
    const child = spawn(process.execPath, ['--input-type=module', '-e', writerScript(dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited (${code}): ${stderr}`)));
    });
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      try {
        const db = await openStore({ engine: 'lsm', dir, readOnly: true, options: OPTIONS });
        try {
          for (let k = 0; k < KEYS; k += 7) {
            const got = (await db.get(`k${k}`))?.toString();
            if (got === undefined || !got.startsWith(`k${k}=`)) failures.push(`round ${round}: k${k} read ${String(got)}`);
          }
          const count = await db.count();
          if (count !== KEYS) failures.push(`round ${round}: count ${count}`);
        } finally {
          await db.close();
        }
      } catch (err) {
        failures.push(`round ${round}: ${(err as Error).message}`);
      }
    }
    expect(child.exitCode, `the writer is still running: ${stderr}`).toBeNull();
    child.kill('SIGKILL');
    expect(failures).toEqual([]);
  }, 120_000);
});
