#!/usr/bin/env node
// The kvs command-line entry point. The everyday data commands (get, set, rm, count, ls) take the
// quick path of dist/cli/quick-start.js, which reads their command line from oclif's manifest
// without loading oclif; every other command line (and every mistake, --help, --version) runs
// through oclif, which loads commands from dist/ via oclif.manifest.json. The quick path runs
// from its bundle (dist/quick/, scripts/bundle-quick.js) unless KVS_ENGINE_MODULES brings engines
// that import kvs's own modules, or the bundle was not built.
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'))

// oclif takes the first word as the command, so `kvs --addr HOST:PORT get k` would look for a
// command named "--addr". When the arguments start with flags, the first word that names a
// command is moved to the front: `kvs --json --dir D count` runs as `kvs count --json --dir D`.
function commandFirst(argv) {
  if (argv.length === 0 || !argv[0].startsWith('-')) return argv
  const at = argv.findIndex((word) => Object.hasOwn(manifest.commands, word))
  if (at <= 0) return argv // only flags (--version, --help) or no command: oclif's own handling
  return [argv[at], ...argv.slice(0, at), ...argv.slice(at + 1)]
}

const args = commandFirst(process.argv.slice(2))
const bundle = new URL('../dist/quick/quick-start.js', import.meta.url)
const useBundle = !process.env.KVS_ENGINE_MODULES && existsSync(bundle)
const {runQuick} = await import(useBundle ? bundle.href : '../dist/cli/quick-start.js')
if (!(await runQuick(manifest, args))) {
  const {execute} = await import('@oclif/core')
  // No user or dev plugins: kvs has none, and looking for them reads files under $HOME.
  const root = fileURLToPath(new URL('..', import.meta.url))
  await execute({args, loadOptions: {root, userPlugins: false, devPlugins: false}})
}
