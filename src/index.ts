/**
 * The public API of kvs: open a store of any engine and use it through one contract.
 *
 *   import { openStore } from 'kvs';
 *   const db = await openStore({ dir: './data' });   // bitcask by default
 *   await db.set('user:1', 'Alice');
 *   (await db.get('user:1'))?.toString();            // 'Alice'
 *   await db.close();
 */
export { openStore, DEFAULT_SYNC, DEFAULT_SYNC_INTERVAL_MS, type OpenOptions } from './engine/open-store.js';
export { KvsError, ErrorCodes, isKvsError, type ErrorCode } from './engine/errors.js';
export { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './engine/limits.js';
export {
  DEFAULT_ENGINE,
  findEngine,
  listEngines,
  loadEngine,
  registerEngine,
  type EngineDescriptor,
  type EngineModule,
  type EngineTraits,
} from './engine/registry.js';
export { BaseEngine } from './engine/base-engine.js';
export { ENGINE_MODULES_ENV, loadEngineModules } from './engine/engine-modules.js';
export { inRange, resumeAfter, type KeyRange, type Bound } from './engine/key-range.js';
export type { CheckedOp } from './engine/validate.js';
export { MARKER_FILE } from './engine/store-marker.js';
export {
  SYNC_POLICIES,
  type BatchOp,
  type BytesLike,
  type CompactResult,
  type EngineOpenOptions,
  type EngineStats,
  type EngineStatus,
  type KvsEngine,
  type ScanOptions,
  type StatValue,
  type Supports,
  type SyncPolicy,
  type VerifyProblem,
  type VerifyReport,
} from './engine/types.js';
