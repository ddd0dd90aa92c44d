// Bundles the CLI's quick path (dist/cli/quick-start.js and what it imports of ours) into
// dist/quick/: one module for the start plus a chunk per lazily loaded piece (each command's
// action, each engine), so `kvs get` reads and links a handful of files instead of about fifty.
// Packages stay external. A cold `kvs get` spends a third of its CPU loading our modules one by
// one; bench/cli-start.mjs measures the difference. bin/run.js falls back to the unbundled
// dist/cli/quick-start.js when the bundle is absent or when KVS_ENGINE_MODULES loads engines
// from outside (they import kvs's own modules, which must be the ones the command uses).
import {build} from 'esbuild'
import {rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outdir = join(root, 'dist', 'quick')
rmSync(outdir, {recursive: true, force: true})
const result = await build({
  entryPoints: [join(root, 'dist', 'cli', 'quick-start.js')],
  outdir,
  // A lazily imported module's chunk is named after it (an engine's after its folder:
  // chunks/bitcask-HASH.js), so a trace of what a command loaded still reads by engine.
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  metafile: true,
})
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))
console.log(`bundled the quick path into ${files.length} file(s) under dist/quick/`)
