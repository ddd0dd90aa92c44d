// Writes oclif.manifest.json at the package root so `kvs` starts without importing every command.
// Uses @oclif/core's Plugin directly instead of the heavy `oclif` package's `oclif manifest`.
import {Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
const file = join(root, 'oclif.manifest.json')
writeFileSync(file, `${JSON.stringify(plugin.manifest)}\n`)
console.log(`wrote ${file} (${Object.keys(plugin.manifest.commands).length} commands)`)
