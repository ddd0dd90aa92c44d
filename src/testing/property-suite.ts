/**
 * Property test shared by every engine: random sequences of writes, reads, scans, compactions
 * and reopen points, checked step by step against the memory engine as the model. The seed is
 * in the test's name; KVS_PROPERTY_SEED replays one.
 */
import fc from 'fast-check';
import { openStore, type BatchOp, type KvsEngine, type ScanOptions } from '../index.js';
import { collect, harness, type EngineUnderTest } from './harness.js';
import { vitestRunner, type TestRunner } from './runner.js';

// A small key space, so that keys are overwritten and deleted often.
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'ab', 'abc', 'b', 'ba', 'user:1', 'user:2', 'user:10') },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 2 }) },
);
const value = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 3000 }) },
);
const scanOptions = fc.record(
  { prefix: key, gte: key, lt: key, limit: fc.nat(6), reverse: fc.boolean() },
  { requiredKeys: [] },
) as fc.Arbitrary<ScanOptions>;

type Op =
  | { op: 'set'; key: Uint8Array | string; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array | string }
  | { op: 'batch'; ops: BatchOp[] }
  | { op: 'get'; key: Uint8Array | string }
  | { op: 'scan'; options: ScanOptions }
  | { op: 'compact' }
  | { op: 'reopen' };

const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant('set' as const), key, value }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('batch' as const),
      ops: fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('set' as const), key, value }),
          fc.record({ type: fc.constant('delete' as const), key }),
        ),
        { maxLength: 6 },
      ),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scan' as const), options: scanOptions }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('compact' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reopen' as const) }) },
);

/** The seed of this run: KVS_PROPERTY_SEED when set (to replay a failure), else a fresh one. */
function chooseSeed(): number {
  const given = process.env.KVS_PROPERTY_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`KVS_PROPERTY_SEED must be an integer; got ${JSON.stringify(given)}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * Registers the property test for `spec` with `runner` (default vitest): `runs` random operation
 * sequences, each checked against the memory engine.
 */
export async function propertySuite(spec: EngineUnderTest, runs = 100, runner?: TestRunner): Promise<void> {
  const { describe, it, expect } = runner ?? (await vitestRunner());
  const h = await harness(spec, runner ?? (await vitestRunner()));
  const seed = chooseSeed();
  describe(`property: ${spec.engine} behaves like the memory model`, () => {
    it(`random operations with reopen points (seed ${seed}; replay with KVS_PROPERTY_SEED=${seed})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 120 }), async (ops) => {
          const model = await openStore({ engine: 'memory' });
          let db: KvsEngine = await h.open();
          try {
            for (const step of ops) {
              switch (step.op) {
                case 'set':
                  await Promise.all([db.set(step.key, step.value), model.set(step.key, step.value)]);
                  break;
                case 'delete':
                  expect(await db.delete(step.key)).toBe(await model.delete(step.key));
                  break;
                case 'batch':
                  await Promise.all([db.batch(step.ops), model.batch(step.ops)]);
                  break;
                case 'get':
                  expect(await db.get(step.key)).toEqual(await model.get(step.key));
                  break;
                case 'scan': {
                  const [got, want] = await Promise.all([collect(db.scan(step.options)), collect(model.scan(step.options))]);
                  if (h.supports.orderedScan) expect(got).toEqual(want);
                  else expect(got.sort()).toEqual(want.sort());
                  break;
                }
                case 'compact':
                  await db.compact();
                  break;
                case 'reopen':
                  if (h.supports.persistent) db = await h.reopen(db);
                  break;
              }
            }
            if (h.supports.persistent) db = await h.reopen(db);
            expect(await db.count()).toBe(await model.count());
            expect(await collect(db.scan())).toEqual(await collect(model.scan()));
          } finally {
            await db.close();
            await model.close();
          }
        }),
        { numRuns: runs, seed },
      );
    }, 120_000);
  });
}
