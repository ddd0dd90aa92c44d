/**
 * What a command loads: the registry loads engines lazily (a command imports only the engine of
 * the store it opens), and the quick path of get/set/rm/count/ls loads no oclif at all. The quick
 * path runs from its bundle (dist/quick/), where an engine is the chunk named after its folder
 * (chunks/bitcask-HASH.js); oclif's commands load dist/engines/ itself.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempStoreDir } from '../support/temp-store-dir.js';
import { BIN, ROOT } from './run-kvs.js';

const TRACE = path.join(ROOT, 'test', 'cli', 'fixtures', 'trace-imports.mjs');
const ENGINE_FOLDERS = fs.readdirSync(path.join(ROOT, 'src', 'engines')).filter((name) => name !== 'shared');

/** The engine folder a trace line's module belongs to: dist/engines/NAME/… or the bundle's chunks/NAME-HASH.js. */
function engineOf(line: string): string | undefined {
  const unbundled = /\/dist\/engines\/([^/]+)\//.exec(line);
  if (unbundled !== null) return unbundled[1];
  const chunk = /\/dist\/quick\/chunks\/([a-z]+)-[A-Z0-9]+\.js$/.exec(line);
  return chunk !== null && ENGINE_FOLDERS.includes(chunk[1] ?? '') ? chunk[1] : undefined;
}

/** Every module, CommonJS file and native addon `kvs ...args` loaded, as trace lines. */
function traceLines(cwd: string, args: string[]): string[] {
  const run = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], { cwd, encoding: 'utf8' });
  expect(run.status).toBe(0);
  return run.stderr.split('\n').filter((line) => /^(import|require|dlopen): /.test(line));
}

/** The engine folders whose modules `kvs ...args` imported (shared/ excluded). */
function enginesLoaded(cwd: string, args: string[]): string[] {
  const names = traceLines(cwd, args).filter((line) => line.startsWith('import: ')).map(engineOf);
  return [...new Set(names.filter((name): name is string => name !== undefined && name !== 'shared'))].sort();
}

const loads = (lines: string[], engine: string): boolean => lines.some((line) => engineOf(line) === engine);

const NATIVE_PACKAGES = ['better-sqlite3', 'classic-level', 'lmdb', '@lmdb', 'rocksdb'];
const THIRD_PARTY_ADAPTERS = ['level', 'sqlite', 'lmdb', 'rocksdb'];

describe('lazy engine loading', () => {
  it('kvs set and get on a bitcask store load the bitcask engine and no other', () => {
    const cwd = tempStoreDir('lazy');
    try {
      expect(enginesLoaded(cwd, ['set', 'k', 'v'])).toEqual(['bitcask']);
      expect(enginesLoaded(cwd, ['get', 'k'])).toEqual(['bitcask']);
      // through oclif (unbundled): engines/shared/ holds what several engines use; the adapters' support does not load
      const lines = traceLines(cwd, ['stats']);
      expect(loads(lines, 'bitcask')).toBe(true);
      expect(lines.filter((l) => /\/dist\/engines\/shared\/(abstract-level|write-pipeline|resumable-scan)/.test(l))).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('kvs engines loads every engine (to tell whether each is usable)', () => {
    const cwd = tempStoreDir('lazy');
    try {
      const loaded = enginesLoaded(cwd, ['engines']);
      expect(loaded).toContain('bitcask');
      expect(loaded).toContain('memory');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('kvs set, get and stats on a bitcask store load no native module (SQLite, LevelDB, LMDB, RocksDB) nor their adapters', () => {
    const cwd = tempStoreDir('lazy');
    try {
      // stats runs through oclif, which is CommonJS: it shows that require() is traced too
      for (const args of [['set', 'k', 'v'], ['get', 'k'], ['stats']]) {
        const lines = traceLines(cwd, args);
        expect(loads(lines, 'bitcask')).toBe(true); // the trace works
        if (args[0] === 'stats') expect(lines.some((l) => l.startsWith('require: '))).toBe(true);
        for (const pkg of NATIVE_PACKAGES) expect(lines.filter((l) => l.includes(`/node_modules/${pkg}/`))).toEqual([]);
        for (const engine of THIRD_PARTY_ADAPTERS) expect(loads(lines, engine)).toBe(false);
        expect(lines.filter((l) => l.startsWith('dlopen: '))).toEqual([]);
      }
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('kvs get on a sqlite store loads better-sqlite3 and no other native module', () => {
    const cwd = tempStoreDir('lazy');
    try {
      expect(spawnSync(process.execPath, [BIN, 'set', 'k', 'v', '--engine', 'sqlite'], { cwd }).status).toBe(0);
      const lines = traceLines(cwd, ['get', 'k']);
      expect(lines.some((l) => l.startsWith('dlopen: ') && l.includes('better_sqlite3.node'))).toBe(true);
      for (const pkg of NATIVE_PACKAGES.filter((p) => p !== 'better-sqlite3')) expect(lines.filter((l) => l.includes(`/node_modules/${pkg}/`))).toEqual([]);
      expect(loads(lines, 'sqlite')).toBe(true);
      expect(loads(lines, 'bitcask')).toBe(false);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('what the quick path loads', () => {
  it('kvs set, get, rm, count and ls load no oclif module and no command class; --help or a mistake on the same command still gets oclif', () => {
    const cwd = tempStoreDir('lazy');
    try {
      for (const args of [['set', 'k', 'v'], ['get', 'k'], ['count'], ['ls', '--values'], ['rm', 'k']]) {
        const lines = traceLines(cwd, args);
        expect(loads(lines, 'bitcask'), args.join(' ')).toBe(true); // it ran the command
        expect(lines.some((l) => l.includes('/dist/quick/quick-start.js')), args.join(' ')).toBe(true); // from the bundle
        expect(lines.filter((l) => l.includes('/node_modules/')), args.join(' ')).toEqual([]);
        expect(lines.filter((l) => l.includes('/dist/cli/commands/')), args.join(' ')).toEqual([]);
      }
      for (const args of [['get', 'k', '--help'], ['get']]) {
        const run = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], { cwd, encoding: 'utf8' });
        expect(run.stderr.split('\n').some((l) => l.includes('/node_modules/@oclif/core/')), args.join(' ')).toBe(true);
      }
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
