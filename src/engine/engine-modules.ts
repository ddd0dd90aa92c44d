/**
 * Engines from outside kvs for the CLI and the benchmark's workers: KVS_ENGINE_MODULES names
 * modules (files or package names, separated like PATH) that register an engine when imported,
 * either by calling registerEngine themselves or by exporting `engine`, an EngineDescriptor.
 * A library user calls registerEngine directly and needs none of this.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, KvsError } from './errors.js';
import { listEngines, registerEngine, type EngineDescriptor } from './registry.js';

export const ENGINE_MODULES_ENV = 'KVS_ENGINE_MODULES';

const loaded = new Set<string>();

/** What an entry of the list names: a file (relative to `cwd` when it looks like a path) or a package. */
function specifierOf(entry: string, cwd: string): string {
  const isPath = entry.startsWith('.') || entry.startsWith('/') || /\.[cm]?js$/.test(entry);
  return isPath ? pathToFileURL(path.resolve(cwd, entry)).href : entry;
}

/**
 * Imports every module that `list` names (default: the KVS_ENGINE_MODULES variable), once per
 * process, and registers the `engine` each exports unless it registered itself. Throws
 * ENGINE_UNAVAILABLE naming the module that cannot be imported or registers nothing.
 */
export async function loadEngineModules(list = process.env[ENGINE_MODULES_ENV], cwd = process.cwd()): Promise<void> {
  if (list === undefined || list.trim() === '') return;
  for (const entry of list.split(path.delimiter).map((e) => e.trim()).filter((e) => e !== '')) {
    const specifier = specifierOf(entry, cwd);
    if (loaded.has(specifier)) continue;
    const before = listEngines().length;
    let module: { engine?: EngineDescriptor };
    try {
      module = (await import(specifier)) as { engine?: EngineDescriptor };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new KvsError(ErrorCodes.ENGINE_UNAVAILABLE, `cannot import engine module ${entry} named by ${ENGINE_MODULES_ENV}: ${reason}`, { cause: err });
    }
    loaded.add(specifier);
    if (listEngines().length > before) continue;
    if (module.engine === undefined) {
      throw new KvsError(
        ErrorCodes.ENGINE_UNAVAILABLE,
        `engine module ${entry} named by ${ENGINE_MODULES_ENV} registers no engine: call registerEngine in it, or export an EngineDescriptor as \`engine\``,
      );
    }
    registerEngine(module.engine);
  }
}
