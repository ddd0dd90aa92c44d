/**
 * Test engines registered through the public registry: `bench-recorder` wraps the memory engine
 * and logs every call (so a test can see what a workload really did); `bench-failing` throws
 * after a number of sets; `bench-broken` cannot be loaded at all; `bench-slow` waits a timer tick
 * in every get, and registers traits of its own, as a user's engine may.
 */
import { loadEngine, registerEngine, listEngines, type BatchOp, type EngineOpenOptions, type KvsEngine } from '../../src/index.js';

export interface Call {
  op: 'open' | 'get' | 'set' | 'delete' | 'batch' | 'scan' | 'close';
  key?: string;
  /** get: whether a value came back; delete: whether the key existed. */
  hit?: boolean;
  /** batch: operations; scan: the keys it yielded, and its options. */
  ops?: number;
  keys?: string[];
  limit?: number;
  reverse?: boolean;
  sync?: string;
  /** close: live keys just before closing. */
  count?: number;
}

export const calls: Call[] = [];

/** The read trait bench-slow registers, which the verdict must quote. */
export const SLOW_READ_TRAIT = 'a get waits for a timer tick before it looks';

/** The sets that fail in bench-failing: every set after this many. */
export const FAIL_AFTER_SETS = 50;

function record(store: KvsEngine, options: EngineOpenOptions): KvsEngine {
  calls.push({ op: 'open', sync: options.sync });
  return new Proxy(store, {
    get(target, prop, receiver) {
      const original = Reflect.get(target, prop, receiver) as unknown;
      if (typeof original !== 'function') return original;
      const fn = original as (...args: unknown[]) => unknown;
      switch (prop) {
        case 'get':
          return async (key: Uint8Array) => {
            const value = await fn.call(target, key);
            calls.push({ op: 'get', key: Buffer.from(key).toString(), hit: value !== undefined });
            return value;
          };
        case 'set':
          return async (key: Uint8Array, value: Uint8Array) => {
            calls.push({ op: 'set', key: Buffer.from(key).toString() });
            return fn.call(target, key, value);
          };
        case 'delete':
          return async (key: Uint8Array) => {
            const existed = (await fn.call(target, key)) as boolean;
            calls.push({ op: 'delete', key: Buffer.from(key).toString(), hit: existed });
            return existed;
          };
        case 'batch':
          return async (ops: BatchOp[]) => {
            calls.push({ op: 'batch', ops: ops.length });
            return fn.call(target, ops);
          };
        case 'scan':
          return (options: { limit?: number; reverse?: boolean } = {}) => {
            const entry: Call = { op: 'scan', keys: [], ...(options.limit === undefined ? {} : { limit: options.limit }), reverse: options.reverse === true };
            calls.push(entry);
            const inner = fn.call(target, options) as AsyncIterable<[Buffer, Buffer]>;
            return (async function* () {
              for await (const pair of inner) {
                entry.keys!.push(pair[0].toString());
                yield pair;
              }
            })();
          };
        case 'close':
          return async () => {
            if (target.status === 'open') calls.push({ op: 'close', count: await target.count() });
            return fn.call(target);
          };
        default:
          return fn.bind(target);
      }
    },
  });
}

/** Registers the test engines once per process. */
/** A loader of the memory engine whose opened stores `patch` changes (replacing a method, say). */
function memoryWith(patch: (store: KvsEngine) => void) {
  return async () => {
    const memory = await loadEngine('memory');
    return {
      supports: memory.supports,
      open: async (options: EngineOpenOptions) => {
        const store = await memory.open(options);
        patch(store);
        return store;
      },
    };
  };
}

export function registerTestEngines(): void {
  if (listEngines().some((e) => e.name === 'bench-recorder')) return;
  registerEngine({
    name: 'bench-recorder',
    summary: 'memory engine that records every call (tests only)',
    load: async () => {
      const memory = await loadEngine('memory');
      return { supports: memory.supports, open: async (options) => record(await memory.open(options), options) };
    },
  });
  registerEngine({
    name: 'bench-failing',
    summary: 'memory engine whose sets fail after a while (tests only)',
    load: memoryWith((store) => {
      let sets = 0;
      const set = store.set.bind(store);
      store.set = async (key, value) => {
        if (++sets > FAIL_AFTER_SETS) throw new Error('disk on fire (deliberate test failure)');
        return set(key, value);
      };
    }),
  });
  registerEngine({
    name: 'bench-slow',
    summary: 'memory engine whose gets wait a timer tick (tests only)',
    traits: { read: SLOW_READ_TRAIT },
    load: memoryWith((store) => {
      const get = store.get.bind(store);
      store.get = async (key) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return get(key);
      };
    }),
  });
  registerEngine({
    name: 'bench-broken',
    summary: 'an engine whose module cannot load (tests only)',
    load: async () => {
      throw new Error('native module missing (deliberate test failure)');
    },
  });
}
