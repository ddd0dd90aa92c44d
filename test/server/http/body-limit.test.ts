/**
 * Request bodies over --http-max-body get 413 BODY_TOO_LARGE as soon as the server knows, without
 * the server reading the rest: declared by Content-Length, or found while reading a chunked body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contents, errorCode, rawRequest, startTestServer, type TestServer } from './harness.js';

const LIMIT = 1024;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await s.close();
});

describe('body limit', () => {
  it('a value of exactly the limit is accepted', async () => {
    const res = await fetch(`${s.base}/v1/kv/at-limit`, { method: 'PUT', body: Buffer.alloc(LIMIT, 1) });
    expect(res.status).toBe(204);
    expect((await s.engine.get('at-limit'))?.length).toBe(LIMIT);
  });

  it('one byte over the limit is 413 and stores nothing', async () => {
    const before = await contents(s.engine);
    const res = await fetch(`${s.base}/v1/kv/over`, { method: 'PUT', body: Buffer.alloc(LIMIT + 1, 1) });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await errorCode(res)).toBe('BODY_TOO_LARGE');
    expect(await contents(s.engine)).toEqual(before);
  });

  it('a much larger upload gets its 413, not a connection reset', async () => {
    const res = await fetch(`${s.base}/v1/kv/huge`, { method: 'PUT', body: Buffer.alloc(8 * 1024 * 1024, 2) });
    expect(res.status).toBe(413);
    expect(await s.engine.get('huge')).toBeUndefined();
  });

  it('a declared 10 GB body is refused and the connection closed before any of it is sent', async () => {
    // The body never comes: a server that waited to read it would neither answer nor close.
    const reply = await rawRequest(s.port, 'PUT /v1/kv/ten-gb HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n');
    expect(reply).toContain('BODY_TOO_LARGE');
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    expect(await s.engine.get('ten-gb')).toBeUndefined();
  });

  it('a chunked body is cut off once it passes the limit', async () => {
    const chunk = Buffer.alloc(600, 0x61);
    const chunked = Buffer.concat([Buffer.from(`258\r\n`), chunk, Buffer.from('\r\n'), Buffer.from(`258\r\n`), chunk, Buffer.from('\r\n')]);
    // No terminating 0-chunk: the server must answer from what it has seen, not wait for the end.
    const reply = await rawRequest(s.port, 'PUT /v1/kv/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', chunked, 'BODY_TOO_LARGE');
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    expect(await s.engine.get('chunked')).toBeUndefined();
  });

  it('a chunked body within the limit is stored', async () => {
    const body = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    const reply = await rawRequest(s.port, 'PUT /v1/kv/chunked-ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n', body);
    expect(reply).toMatch(/^HTTP\/1\.1 204/);
    expect((await s.engine.get('chunked-ok'))?.toString()).toBe('hello world');
  });

  it('the server still serves after refusing uploads', async () => {
    const res = await fetch(`${s.base}/v1/kv/at-limit`);
    expect(res.status).toBe(200);
  });
});
