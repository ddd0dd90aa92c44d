/**
 * Which engines a run measures: the names given, or every registered engine usable here. An
 * engine that cannot run is an entry with a status and a note, never an exception, so the
 * others still run. Engines are found through the registry, so new ones are picked up as they
 * register.
 */
import { findEngine, listEngines, loadEngine, type Supports } from '../index.js';
import type { EngineEntry } from './report.js';

/**
 * True iff the engine keeps its data on a server (neither in a directory nor only in this
 * process's memory), so it needs a URL to run.
 */
export function needsServer(supports: Supports): boolean {
  return !supports.directory && supports.persistent;
}

/** The entries to run, in order; those with status "ok" are runnable (the runner may fail them later). */
export async function selectEngines(requested: readonly string[] | 'all', url: string | undefined): Promise<EngineEntry[]> {
  const all = requested === 'all';
  const names = all ? listEngines().map((d) => d.name) : [...new Set(requested)];
  const entries: EngineEntry[] = [];
  for (const name of names) {
    try {
      findEngine(name);
      const module = await loadEngine(name);
      if (needsServer(module.supports) && url === undefined) {
        const note = `the ${name} engine keeps its data on a server: pass --url (or set KVS_REDIS_URL) to include it`;
        entries.push({ name, status: all ? 'skipped' : 'failed', note });
        continue;
      }
      entries.push({ name, status: 'ok' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Under "all", an engine whose native module is missing here is not a fault of the run.
      entries.push({ name, status: all ? 'skipped' : 'failed', note: all ? `not usable here: ${message}` : message });
    }
  }
  return entries;
}
