import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/engine/open-store.js';
import type { KvsEngine } from '../../../src/engine/types.js';
import type { ChangeEvent } from '../../../src/server/service/change-feed.js';
import { KvService } from '../../../src/server/service/kv-service.js';

let engine: KvsEngine;
afterEach(async () => engine?.close());

async function service(): Promise<KvService> {
  engine = await openStore({ engine: 'memory' });
  return new KvService(engine, { engine: 'memory', dir: '', version: 'test' });
}

const k = (s: string): Buffer => Buffer.from(s);

describe('KvService', () => {
  it('read-modify-writes under withKeys lose no update, however they interleave', async () => {
    const s = await service();
    const incr = (): Promise<void> =>
      s.withKeys([k('n')], 'resp', async (ops) => {
        const old = Number((await ops.get(k('n')))?.toString() ?? '0');
        await new Promise((resolve) => setImmediate(resolve)); // give others every chance to interleave
        await ops.set(k('n'), Buffer.from(String(old + 1)));
      });
    await Promise.all(Array.from({ length: 100 }, incr));
    expect((await s.get('n'))?.toString()).toBe('100');
  });

  it('publishes each acknowledged write to the change feed in order, with its interface', async () => {
    const s = await service();
    const events: ChangeEvent[] = [];
    s.changes.subscribe((e) => events.push(e));
    await s.set('a', 'xyz', 'resp');
    await s.batch([{ type: 'set', key: 'b', value: '1' }, { type: 'delete', key: 'a' }], 'http');
    expect(await s.delete('missing', 'resp')).toBe(false);
    expect(events.map((e) => [e.seq, e.op, e.key.toString(), e.valueSize, e.via])).toEqual([
      [1, 'set', 'a', 3, 'resp'],
      [2, 'set', 'b', 1, 'http'],
      [3, 'delete', 'a', 0, 'http'],
    ]);
  });

  it('an oversized write is rejected before anything is written or published', async () => {
    const s = await service();
    const events: ChangeEvent[] = [];
    s.changes.subscribe((e) => events.push(e));
    await expect(s.set(Buffer.alloc(64 * 1024 + 1, 1), 'v', 'resp')).rejects.toMatchObject({ code: 'KEY_TOO_LARGE' });
    await expect(s.batch([{ type: 'set', key: 'ok', value: 'v' }, { type: 'set', key: '', value: 'v' }], 'resp')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await s.count()).toBe(0);
    expect(events).toEqual([]);
  });

  it('withKeys resolves only after its writes are acknowledged, and reports a failed write', async () => {
    const s = await service();
    await s.set('k', 'v', 'resp');
    await engine.close(); // every later write fails inside the engine
    await expect(s.withKeys([k('k')], 'resp', async (ops) => ops.set(k('k'), k('w')))).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });

  it('clear deletes every key and waits for writers holding key locks', async () => {
    const s = await service();
    await s.batch([{ type: 'set', key: 'a', value: '1' }, { type: 'set', key: 'b', value: '2' }], 'resp');
    let release!: () => void;
    const held = s.withKeys([k('c')], 'resp', async (ops) => {
      await new Promise<void>((resolve) => (release = resolve));
      await ops.set(k('c'), k('3'));
    });
    await new Promise((resolve) => setImmediate(resolve));
    const cleared = s.clear('resp');
    release();
    await held;
    expect(await cleared).toBe(3); // c was written before the clear ran
    expect(await s.count()).toBe(0);
  });
});
