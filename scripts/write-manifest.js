// Writes oclif.manifest.json at the package root so `kvs` starts without importing every command.
// Uses @oclif/core's Plugin directly instead of the heavy `oclif` package's `oclif manifest`.
// Each flag also gets a `quick` entry with what oclif's manifest leaves out and the quick path of
// src/cli/quick-start.ts needs to parse a command line as oclif would: that an option flag is an
// integer (and its bounds), and a boolean flag's default.
import {Flags, Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
const integerParse = Flags.integer().parse // oclif's integer flags share this parse function

for (const [id, cached] of Object.entries(plugin.manifest.commands)) {
  const command = await plugin.findCommand(id, {must: true})
  for (const [name, flag] of Object.entries({...command.baseFlags, ...command.flags})) {
    const quick = {}
    if (flag.parse === integerParse) quick.integer = Object.fromEntries(['min', 'max'].filter((k) => flag[k] !== undefined).map((k) => [k, flag[k]]))
    if (flag.type === 'boolean' && flag.default !== undefined && typeof flag.default !== 'function') quick.default = flag.default
    if (Object.keys(quick).length > 0 && cached.flags[name] !== undefined) cached.flags[name].quick = quick
  }
}

const file = join(root, 'oclif.manifest.json')
writeFileSync(file, `${JSON.stringify(plugin.manifest)}\n`)
console.log(`wrote ${file} (${Object.keys(plugin.manifest.commands).length} commands)`)
