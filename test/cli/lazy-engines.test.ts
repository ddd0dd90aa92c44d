/** The registry loads engines lazily: a command imports only the engine of the store it opens. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './run-kvs.js';

const TRACE = path.join(ROOT, 'test', 'cli', 'fixtures', 'trace-imports.mjs');

/** Module URLs under dist/engines/ that `kvs ...args` imported. */
function engineModules(cwd: string, args: string[]): string[] {
  const run = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], { cwd, encoding: 'utf8' });
  expect(run.status).toBe(0);
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('import: ') && line.includes('/dist/engines/'))
    .map((line) => line.slice(line.indexOf('/dist/engines/') + '/dist/engines/'.length));
}

describe('lazy engine loading', () => {
  it('kvs set and get on a bitcask store load the bitcask engine and no other', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-lazy-'));
    try {
      const loadedBySet = engineModules(cwd, ['set', 'k', 'v']);
      const loadedByGet = engineModules(cwd, ['get', 'k']);
      for (const loaded of [loadedBySet, loadedByGet]) {
        expect(loaded.some((m) => m.startsWith('bitcask/'))).toBe(true);
        expect(loaded.filter((m) => !m.startsWith('bitcask/'))).toEqual([]);
      }
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('kvs engines loads every engine (to tell whether each is usable)', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-lazy-'));
    try {
      const loaded = engineModules(cwd, ['engines']);
      expect(loaded.some((m) => m.startsWith('bitcask/'))).toBe(true);
      expect(loaded.some((m) => m.startsWith('memory/'))).toBe(true);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
