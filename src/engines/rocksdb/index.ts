/** The rocksdb engine's registry entry; importing it loads the rocksdb native module. */
import type { EngineModule } from '../../engine/registry.js';
import { RocksdbEngine, rocksdbSupports } from './rocksdb-engine.js';

export const rocksdbEngine: EngineModule = {
  supports: rocksdbSupports,
  open: async (options) => RocksdbEngine.open(options),
};
