/**
 * The wire, byte by byte: inline commands, pipelining, frames split at every byte, malformed
 * frames, limits, auth, max clients and backpressure, over raw sockets to an in-process server.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './in-process.js';
import { frame, RawClient } from './raw-client.js';

const servers: TestServer[] = [];
const clients: RawClient[] = [];

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

async function connect(server: TestServer): Promise<RawClient> {
  const client = await RawClient.connect(server.port);
  clients.push(client);
  return client;
}

/** Resolves once `done()` holds, checking every few milliseconds; rejects after `ms`. */
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The server's total_net_output_bytes, asked over a connection of its own. */
async function netOutputBytes(server: TestServer): Promise<number> {
  const probe = await RawClient.connect(server.port);
  try {
    probe.write('INFO stats\r\n');
    await probe.until(() => /total_net_output_bytes:\d+\r\n/.test(probe.text));
    return Number(/total_net_output_bytes:(\d+)/.exec(probe.text)![1]);
  } finally {
    probe.close();
  }
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

describe('inline and multibulk requests', () => {
  it('runs inline commands typed as text, as printf | nc would send them', async () => {
    const c = await connect(await serve());
    expect(await c.request('SET k "hello world"\r\nGET k\r\nEXISTS k nope\n', '+OK\r\n$11\r\nhello world\r\n:1\r\n')).toBe('+OK\r\n$11\r\nhello world\r\n:1\r\n');
  });

  it('answers 1000 pipelined commands in order', async () => {
    const c = await connect(await serve());
    const requests: Buffer[] = [];
    let expected = '';
    for (let i = 0; i < 500; i++) {
      requests.push(frame('SET', `k${i}`, `v${i}`), frame('GET', `k${i}`));
      expected += `+OK\r\n$${`v${i}`.length}\r\nv${i}\r\n`;
    }
    expect(await c.request(Buffer.concat(requests), expected)).toBe(expected);
  });

  it('handles a request whose bytes arrive one at a time', async () => {
    const c = await connect(await serve());
    const bytes = Buffer.concat([frame('SET', 'split', Buffer.from([0, 0x0d, 0x0a, 0xff])), Buffer.from('GET split\r\n')]);
    for (const byte of bytes) {
      c.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await c.waitFor('\xff\r\n');
    expect(c.text).toBe('+OK\r\n$4\r\n\x00\r\n\xff\r\n');
  });

  it('QUIT replies OK and closes the connection', async () => {
    const c = await connect(await serve());
    c.write('QUIT\r\nPING\r\n');
    await c.waitClosed();
    expect(c.text).toBe('+OK\r\n');
  });
});

describe('malformed input', () => {
  const cases: [string, string, string][] = [
    ['a negative bulk length', '*1\r\n$-5\r\n', 'invalid bulk length'],
    ['a bulk length that is not a number', '*2\r\n$3\r\nGET\r\n$abc\r\n', 'invalid bulk length'],
    ['a huge declared bulk', '*1\r\n$999999999999\r\n', 'invalid bulk length'],
    ['too many arguments', '*99999999\r\n', 'invalid multibulk length'],
    ['a missing $', '*1\r\nGET\r\n', "expected '$', got 'G'"],
    ['a bulk without its CRLF', '*1\r\n$4\r\nPINGxx', 'expected CRLF after bulk string'],
    ['unbalanced quotes', 'SET k "open\r\n', 'unbalanced quotes in request'],
  ];
  for (const [name, input, message] of cases) {
    it(`${name}: answers -ERR Protocol error and closes, after answering what came before`, async () => {
      const server = await serve();
      const c = await connect(server);
      c.write(`PING\r\n${input}`);
      await c.waitClosed();
      expect(c.text).toBe(`+PONG\r\n-ERR Protocol error: ${message}\r\n`);
      const other = await connect(server); // the server itself carries on
      expect(await other.request('PING\r\n', '+PONG\r\n')).toBe('+PONG\r\n');
    });
  }

  it('an inline line over 64 KiB is refused without waiting for its end', async () => {
    const c = await connect(await serve());
    c.write(`SET k ${'x'.repeat(70 * 1024)}`);
    await c.waitClosed();
    expect(c.text).toBe('-ERR Protocol error: too big inline request\r\n');
  });

  it('random and mutated frames never crash or hang the server, nor change other keys', async () => {
    const server = await serve();
    const setup = await connect(server);
    await setup.request(frame('SET', 'sentinel', 'untouched'), '+OK\r\n');
    const commands = fc.constantFrom(['SET', 'fuzz:a', 'x'], ['GET', 'fuzz:a'], ['APPEND', 'fuzz:b', 'yy'], ['INCR', 'fuzz:n'], ['MSET', 'fuzz:c', '1', 'fuzz:d', '2'], ['KVS.RANGE', 'PREFIX', 'fuzz:']);
    const valid = fc.array(commands, { minLength: 1, maxLength: 5 }).map((cs) => Buffer.concat(cs.map((c) => frame(...c))));
    const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([buf, edits]) => {
      const copy = Buffer.from(buf);
      for (const [at, byte] of edits) copy[at % copy.length] = byte;
      return copy;
    });
    const random = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => Buffer.from(a));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, random), async (bytes) => {
        const c = await RawClient.connect(server.port);
        c.write(bytes);
        c.socket.end(); // the server must finish and close, whatever it was waiting for
        await c.waitClosed(5000);
      }),
      { numRuns: 150 },
    );
    expect(await setup.request(frame('GET', 'sentinel'), '$9\r\nuntouched\r\n')).toBe('$9\r\nuntouched\r\n');
  });
});

describe('authentication', () => {
  it('refuses commands with NOAUTH until AUTH succeeds; a wrong password gets WRONGPASS', async () => {
    const c = await connect(await serve({ requirepass: 's3cret' }));
    expect(await c.request('GET k\r\n', '-NOAUTH Authentication required.\r\n')).toBe('-NOAUTH Authentication required.\r\n');
    const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
    expect(await c.request('AUTH nope\r\n', wrong)).toBe(wrong);
    expect(await c.request('AUTH other s3cret\r\n', wrong)).toBe(wrong); // only the default user exists
    expect(await c.request('AUTH s3cret\r\nSET k v\r\n', '+OK\r\n+OK\r\n')).toBe('+OK\r\n+OK\r\n');
  });

  it('HELLO 2 AUTH default <password> authenticates; HELLO without it gets NOAUTH', async () => {
    const server = await serve({ requirepass: 's3cret' });
    const c = await connect(server);
    const reply = await c.request('HELLO 2\r\n', '-NOAUTH');
    expect(reply).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    const d = await connect(server);
    await d.request(frame('HELLO', '2', 'AUTH', 'default', 's3cret', 'SETNAME', 'me'), '*14\r\n');
    await d.waitFor('modules');
    expect(await d.request('CLIENT GETNAME\r\n', '$2\r\nme\r\n')).toBe('$2\r\nme\r\n');
  });

  it('before AUTH, requests are held to small limits (as in Redis); after it, to the normal ones', async () => {
    const server = await serve({ requirepass: 's3cret' });
    const c = await connect(server);
    c.write(frame('SET', 'k', 'x'.repeat(20_000)));
    await c.waitClosed();
    expect(c.text).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    const d = await connect(server);
    expect(await d.request(Buffer.concat([frame('AUTH', 's3cret'), frame('SET', 'k', 'x'.repeat(20_000))]), '+OK\r\n+OK\r\n')).toBe('+OK\r\n+OK\r\n');
  });
});

describe('limits', () => {
  it('the client over maxclients gets -ERR max number of clients reached and is closed', async () => {
    const server = await serve({ limits: { maxClients: 2 } });
    const a = await connect(server);
    const b = await connect(server);
    await a.request('PING\r\n', '+PONG\r\n');
    await b.request('PING\r\n', '+PONG\r\n');
    const c = await connect(server);
    await c.waitClosed();
    expect(c.text).toBe('-ERR max number of clients reached\r\n');
    a.close();
    await until(() => server.server.connectionCount === 1, 'the closed client to be gone');
    const d = await connect(server); // a slot is free again
    expect(await d.request('PING\r\n', '+PONG\r\n')).toBe('+PONG\r\n');
  });

  it('a client that reads slowly gets every reply, intact and in order', async () => {
    const server = await serve({ limits: { outputPauseBytes: 64 * 1024 } });
    const c = await connect(server);
    const value = 'v'.repeat(100 * 1024);
    await c.request(frame('SET', 'big', value), '+OK\r\n');
    c.socket.pause();
    const n = 50;
    const before = await netOutputBytes(server);
    c.write(Buffer.concat(Array.from({ length: n }, () => frame('GET', 'big'))));
    // Resume only once replies beyond the pause bound have been sent to a client that is not reading.
    await until(async () => (await netOutputBytes(server)) - before > 2 * 64 * 1024, 'replies to pile up');
    c.socket.resume();
    const reply = `$${value.length}\r\n${value}\r\n`;
    await c.until(() => c.bytes >= 5 + n * reply.length);
    expect(c.text).toBe(`+OK\r\n${reply.repeat(n)}`);
  });

  it('a client that stops reading is disconnected once its unsent replies stall, and the server goes on', async () => {
    const server = await serve({ limits: { outputPauseBytes: 64 * 1024, outputStallMs: 300 } });
    const c = await connect(server);
    await c.request(frame('SET', 'big', 'v'.repeat(512 * 1024)), '+OK\r\n');
    c.socket.pause(); // never reads again
    c.write(Buffer.concat(Array.from({ length: 200 }, () => frame('GET', 'big'))));
    await until(() => server.server.connectionCount === 0, 'the stalled client to be disconnected');
    expect(server.logs.some((line) => line.includes('did not shrink'))).toBe(true);
    c.socket.resume(); // what the kernel had buffered arrives, then the close
    await c.waitClosed();
    expect(c.bytes).toBeLessThan(200 * 512 * 1024); // far from every reply: it was cut off
    const d = await connect(server);
    expect(await d.request('DBSIZE\r\n', ':1\r\n')).toBe(':1\r\n');
  });
});
