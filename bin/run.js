#!/usr/bin/env node
// The kvs command-line entry point: oclif loads commands from dist/ via oclif.manifest.json.
import {execute} from '@oclif/core'

// oclif takes the first word as the command, so `kvs --addr HOST:PORT get k` would look for a
// command named "--addr". Store flags given before the command are moved after it.
const LEADING_FLAGS_WITH_VALUE = new Set(['--addr', '--dir', '-d', '--engine', '-e', '--password', '--url'])

function commandFirst(argv) {
  const rest = [...argv]
  const leading = []
  while (rest.length > 0 && LEADING_FLAGS_WITH_VALUE.has(rest[0].split('=')[0])) {
    const flag = rest.shift()
    leading.push(flag)
    if (!flag.includes('=') && rest.length > 0) leading.push(rest.shift())
  }
  if (leading.length === 0 || rest.length === 0) return argv
  return [rest[0], ...leading, ...rest.slice(1)]
}

await execute({dir: import.meta.url, args: commandFirst(process.argv.slice(2))})
