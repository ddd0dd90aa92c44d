/**
 * kvs/testing as an outside project uses it: the package is packed (npm pack), unpacked into the
 * node_modules of a temporary project beside the toy engine of examples/toy-engine, and that
 * project's own vitest run proves the engine with the exported suites; then the installed `kvs`
 * runs the engine through KVS_ENGINE_MODULES. Slow (a nested vitest run): its own file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-kvs.js';
import { tempStoreDir } from '../support/temp-store-dir.js';

let project: string;

/** The packed kvs unpacked as node_modules/kvs, and kvs's own dependencies linked beside it, as an install would place them. */
function installPackedKvs(into: string): void {
  const packDir = tempStoreDir('pack');
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
  const tarball = path.join(packDir, out.trim().split('\n').at(-1)!);
  const modules = path.join(into, 'node_modules');
  fs.mkdirSync(path.join(modules, 'kvs'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', path.join(modules, 'kvs'), '--strip-components=1']);
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === '.bin' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
}

beforeAll(() => {
  project = tempStoreDir('outside-project');
  installPackedKvs(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'toy-engine-project', type: 'module', private: true }));
  for (const file of ['toy-engine.js', 'toy-engine.test.js']) fs.copyFileSync(path.join(ROOT, 'examples', 'toy-engine', file), path.join(project, file));
}, 120_000);

describe('kvs/testing from the packed package', () => {
  it('the package holds the testing entry point and no test sources', () => {
    const pkg = path.join(project, 'node_modules', 'kvs');
    expect(fs.existsSync(path.join(pkg, 'dist', 'testing', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'dist', 'testing', 'index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'test'))).toBe(false);
  });

  it("an outside project's vitest run proves the toy engine with conformanceSuite and propertySuite", () => {
    const run = spawnSync(process.execPath, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=verbose', '--root', project], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/conformance: toy/);
    expect(output).toMatch(/property: toy behaves like the memory model/);
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).not.toMatch(/failed/);
  }, 240_000);

  it('a suite run against a broken engine fails: the suite can tell', () => {
    const broken = fs.readFileSync(path.join(project, 'toy-engine.js'), 'utf8').replace('const existed = this.#map.delete(asKey(key));', 'const existed = this.#map.delete(asKey(key)) && false;');
    expect(broken).toContain('&& false');
    const dir = tempStoreDir('broken-project');
    fs.symlinkSync(path.join(project, 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'broken', type: 'module', private: true }));
    fs.writeFileSync(path.join(dir, 'toy-engine.js'), broken);
    fs.writeFileSync(path.join(dir, 'toy-engine.test.js'), "import { conformanceSuite } from 'kvs/testing';\nimport { toyEngine } from './toy-engine.js';\nawait conformanceSuite({ engine: 'toy', module: toyEngine });\n");
    const run = spawnSync(process.execPath, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/delete returns true iff the key existed/);
  }, 240_000);

  it('the installed kvs runs the toy engine through KVS_ENGINE_MODULES: set, get, engines, bench', () => {
    const bin = path.join(project, 'node_modules', 'kvs', 'bin', 'run.js');
    const env = { ...process.env, KVS_ENGINE_MODULES: './toy-engine.js' };
    const kvs = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: 'utf8', env });
    expect(kvs('--engine', 'toy', 'set', 'greeting', 'hello').status).toBe(0);
    const get = kvs('get', 'greeting');
    expect(get.stdout).toBe('hello');
    expect(JSON.parse(fs.readFileSync(path.join(project, 'kvs-data', 'kvs-store.json'), 'utf8')).engine).toBe('toy');
    expect(fs.existsSync(path.join(project, 'kvs-data', 'toy.json'))).toBe(true);
    const engines = kvs('engines');
    expect(engines.stdout).toMatch(/toy/);
    const bench = kvs('bench', '--engines', 'toy,memory', '--workloads', 'fillrandom,readrandom', '--num', '200', '--repeats', '1', '--json');
    expect(bench.status, bench.stderr).toBe(0);
    const report = JSON.parse(bench.stdout) as { runs?: unknown[]; engines?: unknown };
    expect(JSON.stringify(report)).toContain('"toy"');
    const missing = spawnSync(process.execPath, [bin, 'get', 'k'], { cwd: project, encoding: 'utf8', env: { ...process.env, KVS_ENGINE_MODULES: './nope.js' } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot import engine module \.\/nope\.js named by KVS_ENGINE_MODULES/);
  }, 240_000);
});
