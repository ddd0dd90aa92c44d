/** The ordered write pipeline, against a fake native store whose batches complete when the test says so. */
import { describe, expect, it } from 'vitest';
import { copyWrites, WritePipeline, type PendingWrite } from '../../../src/engines/shared/write-pipeline.js';

const b = (s: string): Buffer => Buffer.from(s);
const set = (k: string, v: string): PendingWrite => ({ key: b(k), value: b(v) });
const del = (k: string): PendingWrite => ({ key: b(k), value: undefined });

/**
 * A fake library: each native batch waits until `release()` (or `fail()`) settles it, then applies
 * its ops in order to `stored`; `calls` records every batch as the pipeline handed it over.
 */
function fakeNative() {
  const stored = new Map<string, string>();
  const calls: string[][] = [];
  let settle: ((err?: Error) => void) | undefined;
  const write = (ops: PendingWrite[]): Promise<void> => {
    if (settle !== undefined) throw new Error('two native batches in flight at once');
    calls.push(ops.map((op) => (op.value === undefined ? `del ${op.key}` : `put ${op.key}=${op.value}`)));
    return new Promise<void>((resolve, reject) => {
      settle = (err) => {
        settle = undefined;
        if (err !== undefined) return reject(err);
        for (const op of ops) {
          if (op.value === undefined) stored.delete(op.key.toString());
          else stored.set(op.key.toString(), op.value.toString());
        }
        resolve();
      };
    });
  };
  return {
    stored,
    calls,
    write,
    inFlight: () => settle !== undefined,
    /** Completes the batch in flight (and lets the pipeline start the next one). */
    async release(): Promise<void> {
      settle!();
      await new Promise((r) => setImmediate(r));
    },
    async fail(err: Error): Promise<void> {
      settle!(err);
      await new Promise((r) => setImmediate(r));
    },
  };
}

/** Observes `p` at once (so a rejection is never unhandled) and resolves with 'ok' or the error's message. */
function outcome(p: Promise<void>): Promise<string> {
  return p.then(
    () => 'ok',
    (err: Error) => err.message,
  );
}

/** What a reader sees for `key`: the overlay first, then the store. */
function read(pipeline: WritePipeline, stored: Map<string, string>, key: string): string | undefined {
  const pending = pipeline.lookup(b(key));
  return pending !== undefined ? pending.value?.toString() : stored.get(key);
}

describe('WritePipeline', () => {
  it('overlapping writes of one key reach the store in issue order: the last one wins', async () => {
    const native = fakeNative();
    const pipeline = new WritePipeline(native.write);
    const done = [pipeline.submit([set('k', '1')]), pipeline.submit([del('k')]), pipeline.submit([set('k', '2')]), pipeline.submit([set('k', '3')])];
    await native.release();
    await native.release();
    await Promise.all(done);
    expect(native.calls).toEqual([['put k=1'], ['del k', 'put k=2', 'put k=3']]);
    expect(native.stored.get('k')).toBe('3');
  });

  it('writes issued while a batch is in flight wait and then go together in one native batch', async () => {
    const native = fakeNative();
    const pipeline = new WritePipeline(native.write);
    const first = pipeline.submit([set('a', '1')]);
    expect(native.inFlight()).toBe(true);
    const rest = Array.from({ length: 10 }, (_, i) => pipeline.submit([set(`k${i}`, `${i}`)]));
    expect(native.calls).toHaveLength(1); // only the first batch has been handed over
    expect(pipeline.busy).toBe(true);
    await native.release();
    await first;
    expect(native.calls).toHaveLength(2);
    expect(native.calls[1]).toHaveLength(10);
    await native.release();
    await Promise.all(rest);
    expect(pipeline.batches).toBe(2);
    expect(pipeline.busy).toBe(false);
  });

  it('a submit of several ops travels in one batch, in order (atomic for the native library)', async () => {
    const native = fakeNative();
    const pipeline = new WritePipeline(native.write);
    const done = pipeline.submit([set('x', '1'), del('y'), set('x', '2')]);
    await native.release();
    await done;
    expect(native.calls).toEqual([['put x=1', 'del y', 'put x=2']]);
  });

  it('reads see every write issued before them, before the native batch completes (overlay)', async () => {
    const native = fakeNative();
    native.stored.set('gone', 'old');
    const pipeline = new WritePipeline(native.write);
    const done = [pipeline.submit([set('a', '1')]), pipeline.submit([del('gone')]), pipeline.submit([set('a', '2')])];
    expect(read(pipeline, native.stored, 'a')).toBe('2');
    expect(pipeline.lookup(b('gone'))).toMatchObject({ value: undefined }); // deleted, not unknown
    expect(read(pipeline, native.stored, 'gone')).toBeUndefined();
    expect(pipeline.lookup(b('untouched'))).toBeUndefined();
    await native.release();
    // 'a' = '2' is still queued: the overlay keeps it while 'a' = '1' is already stored.
    expect(native.stored.get('a')).toBe('1');
    expect(read(pipeline, native.stored, 'a')).toBe('2');
    await native.release();
    await Promise.all(done);
    expect(pipeline.lookup(b('a'))).toBeUndefined(); // committed: the overlay is empty again
    expect(read(pipeline, native.stored, 'a')).toBe('2');
  });

  it('a failing native batch rejects exactly its writes; later writes still commit', async () => {
    const native = fakeNative();
    native.stored.set('k', 'stored');
    const pipeline = new WritePipeline(native.write);
    const ok1 = outcome(pipeline.submit([set('a', '1')]));
    const bad = [outcome(pipeline.submit([set('k', 'lost')])), outcome(pipeline.submit([set('b', 'lost')]))];
    await native.release();
    expect(await ok1).toBe('ok');
    const later = outcome(pipeline.submit([set('c', '3')]));
    await native.fail(new Error('disk full'));
    expect(await Promise.all(bad)).toEqual(['disk full', 'disk full']);
    // The failed writes left the overlay: reads show the stored state again.
    expect(read(pipeline, native.stored, 'k')).toBe('stored');
    expect(read(pipeline, native.stored, 'b')).toBeUndefined();
    await native.release();
    expect(await later).toBe('ok');
    expect([...native.stored]).toEqual([
      ['k', 'stored'],
      ['a', '1'],
      ['c', '3'],
    ]);
  });

  it('a failing batch drops only its own overlay entries: a newer queued write of the same key still reads', async () => {
    const native = fakeNative();
    native.stored.set('k', 'stored');
    const pipeline = new WritePipeline(native.write);
    const failing = outcome(pipeline.submit([set('k', 'in-flight')]));
    const queued = outcome(pipeline.submit([set('k', 'queued')]));
    await native.fail(new Error('io'));
    expect(await failing).toBe('io');
    expect(read(pipeline, native.stored, 'k')).toBe('queued');
    await native.release();
    expect(await queued).toBe('ok');
    expect(native.stored.get('k')).toBe('queued');
  });

  it('generation moves with every submitted write; idle resolves once nothing is in flight, even after a failure', async () => {
    const native = fakeNative();
    const pipeline = new WritePipeline(native.write);
    expect(pipeline.generation).toBe(0);
    const done = outcome(pipeline.submit([set('a', '1'), set('b', '2')]));
    expect(pipeline.generation).toBe(2);
    let idle = false;
    const waiting = pipeline.idle().then(() => (idle = true));
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    await native.fail(new Error('x'));
    expect(await done).toBe('x');
    await waiting;
    expect(idle).toBe(true);
    await pipeline.idle(); // nothing in flight: resolves at once
  });

  it('extra fields of a write reach the native write function unchanged (the rocksdb delete probe)', async () => {
    const seen: unknown[] = [];
    const pipeline = new WritePipeline<PendingWrite & { probe?: (existed: boolean) => void }>(async (ops) => {
      for (const op of ops) op.probe?.(true);
      seen.push(...ops.map((op) => op.probe !== undefined));
    });
    let existed: boolean | undefined;
    await pipeline.submit([{ ...del('k'), probe: (e) => (existed = e) }, set('j', '1')]);
    expect(existed).toBe(true);
    expect(seen).toEqual([true, false]);
  });

  it('copyWrites copies keys and values, so the caller may reuse its buffers at once', () => {
    const key = b('key');
    const value = b('value');
    const [copied, deleted] = copyWrites([
      { type: 'set', key, value },
      { type: 'delete', key },
    ]);
    key.fill(0);
    value.fill(0);
    expect(copied).toEqual({ key: b('key'), value: b('value') });
    expect(deleted).toEqual({ key: b('key'), value: undefined });
  });
});
