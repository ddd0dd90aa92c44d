/** The sqlite engine's registry entry; importing it loads better-sqlite3's native module. */
import type { EngineModule } from '../../engine/registry.js';
import { SqliteEngine, sqliteSupports } from './sqlite-engine.js';

export const sqliteEngine: EngineModule = {
  supports: sqliteSupports,
  open: async (options) => SqliteEngine.open(options),
};
