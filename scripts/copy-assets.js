// Copies the files under src/ that are not TypeScript but ship with the build (the dashboard's
// HTML and CSS) to the same place under dist/, so code finds them beside its compiled module.
import {copyFileSync, mkdirSync, readdirSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const ASSET = /\.(html|css)$/
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const dist = join(root, 'dist')

const copied = []
for (const entry of readdirSync(src, {recursive: true, withFileTypes: true})) {
  if (!entry.isFile() || !ASSET.test(entry.name)) continue
  const from = join(entry.parentPath, entry.name)
  const to = join(dist, relative(src, from))
  mkdirSync(dirname(to), {recursive: true})
  copyFileSync(from, to)
  copied.push(relative(root, to))
}
console.log(`copied ${copied.length} asset file(s): ${copied.join(', ')}`)
