/** GET/PUT/DELETE /v1/kv/{key} and GET /v1/kv over real HTTP: binary keys, misses, listing pages, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contents, errorCode, escapeAll, rawRequest, startTestServer, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const put = (path: string, body: string | Buffer) => fetch(`${s.base}${path}`, { method: 'PUT', body });

describe('one key', () => {
  it('put then get returns the exact bytes as application/octet-stream', async () => {
    const value = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]);
    expect((await put('/v1/kv/greeting', value)).status).toBe(204);
    const res = await fetch(`${s.base}/v1/kv/greeting`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(value);
    expect(await s.engine.get('greeting')).toEqual(value);
  });

  it('a key of every byte 0x00-0xFF, percent-encoded, is stored as those bytes', async () => {
    const key = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect((await put(`/v1/kv/${escapeAll(key)}`, 'all-bytes')).status).toBe(204);
    expect((await s.engine.get(key))?.toString()).toBe('all-bytes');
    const res = await fetch(`${s.base}/v1/kv/${escapeAll(key)}`);
    expect(await res.text()).toBe('all-bytes');
  });

  it('%FF alone is the byte 0xFF, not a UTF-8 replacement character', async () => {
    await put('/v1/kv/bin%FFkey', 'x');
    expect(await s.engine.get(Buffer.from([0x62, 0x69, 0x6e, 0xff, 0x6b, 0x65, 0x79]))).toEqual(Buffer.from('x'));
  });

  it('UTF-8 keys, escaped or raw in the path, are the same key', async () => {
    await put(`/v1/kv/${encodeURIComponent('ключ✓')}`, 'utf8');
    expect((await s.engine.get('ключ✓'))?.toString()).toBe('utf8');
  });

  it('a slash, escaped as %2F or literal, is part of the key', async () => {
    await put('/v1/kv/users%2F1', 'a');
    await put('/v1/kv/users/2', 'b');
    expect((await s.engine.get('users/1'))?.toString()).toBe('a');
    expect((await s.engine.get('users/2'))?.toString()).toBe('b');
  });

  it('a plus sign in the path is a plus, not a space', async () => {
    await put('/v1/kv/a+b', 'plus');
    expect((await s.engine.get('a+b'))?.toString()).toBe('plus');
    expect(await s.engine.get('a b')).toBeUndefined();
  });

  it('get of an absent key is 404 KEY_NOT_FOUND as JSON', async () => {
    const res = await fetch(`${s.base}/v1/kv/never-set`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await errorCode(res)).toBe('KEY_NOT_FOUND');
  });

  it('HEAD gives the length without the body', async () => {
    await put('/v1/kv/head-me', '12345');
    const res = await fetch(`${s.base}/v1/kv/head-me`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('5');
  });

  it('an empty body stores an empty value', async () => {
    expect((await put('/v1/kv/empty', '')).status).toBe(204);
    expect(await s.engine.get('empty')).toEqual(Buffer.alloc(0));
    const res = await fetch(`${s.base}/v1/kv/empty`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('delete is 204 when the key existed and 404 the second time', async () => {
    await put('/v1/kv/doomed', 'x');
    expect((await fetch(`${s.base}/v1/kv/doomed`, { method: 'DELETE' })).status).toBe(204);
    expect(await s.engine.get('doomed')).toBeUndefined();
    const again = await fetch(`${s.base}/v1/kv/doomed`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('KEY_NOT_FOUND');
  });
});

describe('bad input changes nothing', () => {
  it('a malformed percent-escape is 400 BAD_ENCODING', async () => {
    const before = await contents(s.engine);
    for (const bad of ['bad%', 'bad%4', 'bad%zz', '%G0']) {
      const res = await put(`/v1/kv/${bad}`, 'nope');
      expect(res.status, bad).toBe(400);
      expect(await errorCode(res)).toBe('BAD_ENCODING');
    }
    expect(await contents(s.engine)).toEqual(before);
  });

  it('an empty key is 400 INVALID_ARGUMENT', async () => {
    const before = await contents(s.engine);
    const res = await put('/v1/kv/', 'nope');
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('INVALID_ARGUMENT');
    expect(await contents(s.engine)).toEqual(before);
  });

  it('a key over 64 KiB is 413 KEY_TOO_LARGE', async () => {
    const before = await contents(s.engine);
    const res = await put(`/v1/kv/${'k'.repeat(64 * 1024 + 1)}`, 'nope');
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('KEY_TOO_LARGE');
    expect(await contents(s.engine)).toEqual(before);
  });

  it('a key of exactly 64 KiB, fully percent-encoded, fits in the request head', async () => {
    const key = Buffer.alloc(64 * 1024, 0xab);
    expect((await put(`/v1/kv/${escapeAll(key)}`, 'max')).status).toBe(204);
    expect((await s.engine.get(key))?.toString()).toBe('max');
    await s.engine.delete(key);
  });

  it('a request head past 208 KiB is 431 and the server keeps serving', async () => {
    const res = await put(`/v1/kv/${'%41'.repeat(71 * 1024)}`, 'nope');
    expect(res.status).toBe(431);
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });

  it('an unknown path is 404 NOT_FOUND and a wrong method 405 with Allow', async () => {
    const res = await fetch(`${s.base}/v2/nothing`);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('NOT_FOUND');
    const wrong = await fetch(`${s.base}/v1/kv/x`, { method: 'POST', body: 'x' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('PUT');
    expect(await errorCode(wrong)).toBe('METHOD_NOT_ALLOWED');
  });

  it('a request line the HTTP parser rejects gets 400 and the server keeps serving', async () => {
    const reply = await rawRequest(s.port, 'GET /v1/kv/x HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });
});

describe('listing', () => {
  let l: TestServer;
  beforeAll(async () => {
    l = await startTestServer();
    for (let i = 0; i < 25; i++) await l.engine.set(`item:${String(i).padStart(2, '0')}`, `v${i}`);
    await l.engine.set('other', 'o');
    await l.engine.set(Buffer.from([0x69, 0x74, 0x65, 0x6d, 0x3a, 0xff]), Buffer.from([0xfe])); // "item:\xff"
  });
  afterAll(async () => {
    await l.close();
  });

  const list = async (query: string) => {
    const res = await fetch(`${l.base}/v1/kv?${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { items: { key: string; keyEncoding: string; value?: string; valueEncoding?: string }[]; next?: string };
  };

  it('pages through a prefix in key order with the cursor, each key once', async () => {
    const seen: string[] = [];
    let query = 'prefix=item%3A&limit=10';
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(query);
      seen.push(...page.items.map((i) => (i.keyEncoding === 'utf8' ? i.key : `b64:${i.key}`)));
      if (page.next === undefined) break;
      expect(page.items).toHaveLength(10);
      query = `prefix=item%3A&limit=10&cursor=${page.next}`;
    }
    const expected = Array.from({ length: 25 }, (_, i) => `item:${String(i).padStart(2, '0')}`);
    expected.push(`b64:${Buffer.from([0x69, 0x74, 0x65, 0x6d, 0x3a, 0xff]).toString('base64')}`);
    expect(seen).toEqual(expected);
  });

  it('the last page has no next cursor', async () => {
    const page = await list('prefix=other');
    expect(page.items.map((i) => i.key)).toEqual(['other']);
    expect(page.next).toBeUndefined();
  });

  it('start is an inclusive lower bound and combines with prefix', async () => {
    const page = await list('prefix=item:&start=item:23&limit=2');
    expect(page.items.map((i) => i.key)).toEqual(['item:23', 'item:24']);
    expect(page.next).toBeDefined();
  });

  it('values=1 adds values, base64 when not UTF-8', async () => {
    const page = await list('prefix=item%3A%FF&values=1');
    expect(page.items).toEqual([{ key: Buffer.from('item:\xff', 'latin1').toString('base64'), keyEncoding: 'base64', value: '/g==', valueEncoding: 'base64' }]);
    const plain = await list('prefix=item:00&values=1');
    expect(plain.items).toEqual([{ key: 'item:00', keyEncoding: 'utf8', value: 'v0', valueEncoding: 'utf8' }]);
  });

  it('without values=1 items carry keys only', async () => {
    const page = await list('prefix=other');
    expect(page.items[0]).toEqual({ key: 'other', keyEncoding: 'utf8' });
  });

  it('a bad limit or cursor is 400 BAD_QUERY', async () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'limit=-1', 'cursor=not*base64']) {
      const res = await fetch(`${l.base}/v1/kv?${q}`);
      expect(res.status, q).toBe(400);
      expect(await errorCode(res)).toBe('BAD_QUERY');
    }
  });

  it('a malformed escape in a query parameter is 400 BAD_ENCODING', async () => {
    const res = await fetch(`${l.base}/v1/kv?prefix=%ZZ`);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('BAD_ENCODING');
  });
});
