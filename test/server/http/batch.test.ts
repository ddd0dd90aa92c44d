/** POST /v1/batch over real HTTP: sets and deletes together, binary encodings, and bad documents that must change nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contents, errorCode, startTestServer, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ maxBodyBytes: 4096 });
  await s.engine.set('old', 'x');
});
afterAll(async () => {
  await s.close();
});

const batch = (body: unknown) =>
  fetch(`${s.base}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('batch', () => {
  it('applies sets and deletes and says whether the engine made it atomic', async () => {
    const res = await batch({ ops: [{ type: 'set', key: 'a', value: '1' }, { type: 'set', key: 'b', value: '2' }, { type: 'delete', key: 'old' }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 3, atomic: s.engine.supports.atomicBatch });
    expect((await s.engine.get('a'))?.toString()).toBe('1');
    expect((await s.engine.get('b'))?.toString()).toBe('2');
    expect(await s.engine.get('old')).toBeUndefined();
  });

  it('base64 keys and values carry arbitrary bytes', async () => {
    const key = Buffer.from([0, 0xff, 0x80]);
    const value = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const res = await batch({ ops: [{ type: 'set', key: key.toString('base64'), keyEncoding: 'base64', value: value.toString('base64'), valueEncoding: 'base64' }] });
    expect(res.status).toBe(200);
    expect(await s.engine.get(key)).toEqual(value);
  });

  it('later ops see earlier ones: set then delete of one key leaves it absent', async () => {
    await batch({ ops: [{ type: 'set', key: 'flip', value: 'x' }, { type: 'delete', key: 'flip' }] });
    expect(await s.engine.get('flip')).toBeUndefined();
  });

  it('an empty ops array applies nothing', async () => {
    const res = await batch({ ops: [] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { applied: number }).applied).toBe(0);
  });
});

describe('bad batches change nothing', () => {
  const cases: [string, unknown, number, string][] = [
    ['not JSON', '{"ops": [', 400, 'BAD_JSON'],
    ['no ops array', { operations: [] }, 400, 'BAD_JSON'],
    ['ops not an array', { ops: 'set a 1' }, 400, 'BAD_JSON'],
    ['unknown op type', { ops: [{ type: 'set', key: 'n1', value: 'v' }, { type: 'incr', key: 'n2' }] }, 400, 'BAD_JSON'],
    ['key not a string', { ops: [{ type: 'set', key: 'n1', value: 'v' }, { type: 'set', key: 7, value: 'v' }] }, 400, 'BAD_JSON'],
    ['value missing', { ops: [{ type: 'set', key: 'n1' }] }, 400, 'BAD_JSON'],
    ['bad base64', { ops: [{ type: 'set', key: 'n1', value: 'v' }, { type: 'set', key: '@@@', keyEncoding: 'base64', value: 'v' }] }, 400, 'BAD_JSON'],
    ['unknown encoding', { ops: [{ type: 'delete', key: 'a', keyEncoding: 'hex' }] }, 400, 'BAD_JSON'],
    ['an empty key after good ops', { ops: [{ type: 'set', key: 'n1', value: 'v' }, { type: 'set', key: '', value: 'v' }] }, 400, 'INVALID_ARGUMENT'],
    ['a body over the limit', { ops: [{ type: 'set', key: 'n1', value: 'v'.repeat(5000) }] }, 413, 'BODY_TOO_LARGE'],
  ];
  for (const [name, body, status, code] of cases) {
    it(`${name}: ${status} ${code}`, async () => {
      const before = await contents(s.engine);
      const res = await batch(body);
      expect(res.status).toBe(status);
      expect(await errorCode(res)).toBe(code);
      expect(await contents(s.engine)).toEqual(before);
    });
  }
});
