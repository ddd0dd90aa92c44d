#!/usr/bin/env node
// The kvs command-line entry point: oclif loads commands from dist/ via oclif.manifest.json.
import {readFileSync} from 'node:fs'
import {execute} from '@oclif/core'

// oclif takes the first word as the command, so `kvs --addr HOST:PORT get k` would look for a
// command named "--addr". When the arguments start with flags, the first word that names a
// command is moved to the front: `kvs --json --dir D count` runs as `kvs count --json --dir D`.
function commandFirst(argv) {
  if (argv.length === 0 || !argv[0].startsWith('-')) return argv
  const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'))
  const at = argv.findIndex((word) => Object.hasOwn(manifest.commands, word))
  if (at <= 0) return argv // only flags (--version, --help) or no command: oclif's own handling
  return [argv[at], ...argv.slice(0, at), ...argv.slice(at + 1)]
}

await execute({dir: import.meta.url, args: commandFirst(process.argv.slice(2))})
