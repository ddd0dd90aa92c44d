/**
 * Side by side with a real redis-server: the same pipelined requests on a fresh connection to
 * each, after FLUSHALL, must get byte-identical replies. Covers the commands and edges of
 * issue 14 (transactions, renames, copies, bits, LCS, GETEX, SET option validation, pre-AUTH
 * protocol errors). Where kvs differs on purpose (expiry), the kvs-only tests say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { startTestServer, type TestServer } from './in-process.js';
import { frame, RawClient } from './raw-client.js';

let redis: RedisServer;
let kvs: TestServer;
const open: RawClient[] = [];

beforeAll(async () => {
  [redis, kvs] = await Promise.all([startRedisServer(), startTestServer()]);
});
afterAll(async () => {
  for (const c of open) c.close();
  await Promise.all([redis.stop(), kvs.stop()]);
});

/** Reads one complete RESP reply starting at `at`; returns the index after it, or -1 if incomplete. */
function replyEnd(text: string, at: number): number {
  if (at >= text.length) return -1;
  const line = text.indexOf('\r\n', at);
  if (line < 0) return -1;
  const type = text[at];
  const n = Number(text.slice(at + 1, line));
  if (type === '$') return n < 0 ? line + 2 : line + 2 + n + 2 <= text.length ? line + 2 + n + 2 : -1;
  if (type === '*') {
    let pos = line + 2;
    for (let i = 0; i < n; i++) {
      pos = replyEnd(text, pos);
      if (pos < 0) return -1;
    }
    return pos;
  }
  return line + 2;
}

/** Sends `commands` pipelined on a new connection and resolves with the raw replies, one per command. */
async function exchange(port: number, commands: string[][]): Promise<string[]> {
  const c = await RawClient.connect(port);
  open.push(c);
  c.write(Buffer.concat([frame('FLUSHALL'), ...commands.map((args) => frame(...args))]));
  const replies: string[] = [];
  await c.until(() => {
    replies.length = 0;
    let pos = 0;
    for (let i = 0; i <= commands.length; i++) {
      const end = replyEnd(c.text, pos);
      if (end < 0) return false;
      replies.push(c.text.slice(pos, end));
      pos = end;
    }
    return true;
  });
  c.close();
  return replies.slice(1);
}

async function expectSameAsRedis(commands: string[][]): Promise<void> {
  const [fromRedis, fromKvs] = await Promise.all([exchange(redis.port, commands), exchange(kvs.port, commands)]);
  const table = (replies: string[]): string[] => commands.map((args, i) => `${args.join(' ')} -> ${JSON.stringify(replies[i])}`);
  if (process.env.KVS_PARITY_PRINT) console.log(table(fromKvs).join("\n"));
  expect(table(fromKvs)).toEqual(table(fromRedis));
}

const cmds = (...lines: string[]): string[][] => lines.map((line) => line.split(' '));

describe('side by side with redis-server', () => {
  it('MULTI / EXEC / DISCARD: queued replies, runtime errors inside EXEC, EXECABORT after a queuing error, misuse errors', async () => {
    await expectSameAsRedis(
      cmds('MULTI', 'SET a 1', 'INCR a', 'GET a', 'EXEC', 'EXEC', 'DISCARD', 'MULTI', 'MULTI', 'SET a', 'EXEC', 'MULTI', 'NOSUCHCOMMAND x', 'GET a', 'EXEC', 'MULTI', 'SET x 1', 'DISCARD', 'GET x', 'MULTI', 'SET s text', 'INCR s', 'APPEND s !', 'EXEC', 'GET s', 'MULTI', 'WATCH a', 'EXEC', 'MULTI', 'EXEC'),
    );
  });

  it('WATCH / UNWATCH within one connection: a write after WATCH makes EXEC reply nil; UNWATCH forgets it', async () => {
    await expectSameAsRedis(cmds('SET w 1', 'WATCH w', 'SET w 2', 'MULTI', 'GET w', 'EXEC', 'WATCH w', 'SET w 3', 'UNWATCH', 'MULTI', 'GET w', 'EXEC', 'WATCH w nope', 'MULTI', 'GET w', 'EXEC'));
  });

  it('RENAME, RENAMENX, COPY, RANDOMKEY', async () => {
    await expectSameAsRedis(
      cmds('RANDOMKEY', 'SET a 1', 'RANDOMKEY', 'RENAME a b', 'GET a', 'GET b', 'RENAME nope x', 'RENAMENX nope x', 'RENAMENX b b', 'RENAME b b', 'SET c 3', 'RENAMENX b c', 'RENAMENX b d', 'MGET b c d', 'RENAME d c', 'MGET c d'),
    );
    await expectSameAsRedis(cmds('SET a 1', 'COPY a b', 'COPY a b', 'SET a 2', 'COPY a b REPLACE', 'GET b', 'COPY a b DB 0', 'COPY a b DB x', 'COPY a a', 'COPY nope x', 'COPY a b FOO', 'COPY a b DB', 'EXISTS x'));
  });

  it('GETEX without options; its option errors in Redis order', async () => {
    await expectSameAsRedis(cmds('SET a 1', 'GETEX a', 'GETEX nope', 'GETEX a EX 0', 'GETEX a EX -5', 'GETEX a EX abc', 'GETEX a EX 10 PX 10', 'GETEX a PERSIST EX 1', 'GETEX a FOO', 'GETEX a EX', 'GETEX a KEEPTTL'));
  });

  it('SET: expiry values are validated (and options checked for syntax) before anything else; KEEPTTL is accepted', async () => {
    await expectSameAsRedis(
      cmds('SET k v EX 0', 'SET k v EX -1', 'SET k v EX abc', 'SET k v PX 100 EX 100', 'SET k v KEEPTTL EX 1', 'SET k v EX 1 KEEPTTL', 'SET k v NX XX', 'SET k v EX', 'SET k v PXAT 0', 'SET k v EXAT -3', 'SET k v PX 1.5', 'EXISTS k', 'SET k v KEEPTTL', 'SET k v2 KEEPTTL XX GET', 'GET k', 'SET k v3 NX GET'),
    );
  });

  it('SETBIT, GETBIT, BITCOUNT with BYTE and BIT ranges', async () => {
    await expectSameAsRedis(
      cmds('SETBIT b 7 1', 'GETBIT b 7', 'GETBIT b 100', 'SETBIT b 100 1', 'SETBIT b 100 1', 'SETBIT b 7 0', 'GET b', 'STRLEN b', 'BITCOUNT b', 'SETBIT b -1 1', 'SETBIT b 1 2', 'SETBIT b x 1', 'GETBIT b -1', 'SETBIT z 3 0', 'GET z'),
    );
    await expectSameAsRedis(
      cmds('SET s foobar', 'BITCOUNT s', 'BITCOUNT s 0 0', 'BITCOUNT s 1 1', 'BITCOUNT s 0 -1 BIT', 'BITCOUNT s 5 30 BIT', 'BITCOUNT s -2 -1', 'BITCOUNT s -1 -2', 'BITCOUNT s 2 100', 'BITCOUNT s -100 -50', 'BITCOUNT s 0 1 BYTE', 'BITCOUNT s 0 1 FOO', 'BITCOUNT s 1', 'BITCOUNT s a b', 'BITCOUNT nope', 'BITCOUNT nope 1', 'BITCOUNT s -9 -1 BIT'),
    );
  });

  it('LCS: the string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN, missing keys, option errors', async () => {
    await expectSameAsRedis(
      cmds('MSET key1 ohmytext key2 mynewtext', 'LCS key1 key2', 'LCS key1 key2 LEN', 'LCS key1 key2 IDX', 'LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN', 'LCS key1 key2 IDX WITHMATCHLEN', 'LCS key1 key2 LEN IDX', 'LCS nope key2', 'LCS nope nope2 IDX', 'LCS key1 key2 FOO', 'LCS key1 key2 MINMATCHLEN', 'LCS key1 key2 IDX MINMATCHLEN -3'),
    );
  });

  it('LCS agrees with Redis on random values (seed in KVS_LCS_SEED)', async () => {
    const seed = Number(process.env.KVS_LCS_SEED ?? Date.now() % 1_000_000);
    console.log(`LCS random values: seed ${seed} (rerun with KVS_LCS_SEED=${seed})`);
    let state = seed;
    const next = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const word = (): string => Array.from({ length: 1 + Math.floor(next() * 30) }, () => 'abcd'[Math.floor(next() * 4)]).join('');
    const commands: string[][] = [];
    for (let i = 0; i < 20; i++) {
      commands.push(['MSET', 'x', word(), 'y', word()], ['LCS', 'x', 'y'], ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'], ['LCS', 'x', 'y', 'IDX', 'MINMATCHLEN', '2']);
    }
    await expectSameAsRedis(commands);
  });
});

describe('side by side with a password-protected redis-server', () => {
  let locked: RedisServer;
  let kvsLocked: TestServer;
  beforeAll(async () => {
    [locked, kvsLocked] = await Promise.all([startRedisServer({ password: 's3cret' }), startTestServer({ requirepass: 's3cret' })]);
  });
  afterAll(async () => {
    await Promise.all([locked.stop(), kvsLocked.stop()]);
  });

  for (const [name, input] of [
    ['too many arguments', '*11\r\n'],
    ['too long a bulk', '*1\r\n$16385\r\n'],
    ['a bulk length that is not a number', '*1\r\n$x\r\n'],
  ] as const) {
    it(`before AUTH, ${name} gets Redis's protocol error text and the connection closes`, async () => {
      const texts = await Promise.all(
        [locked.port, kvsLocked.port].map(async (port) => {
          const c = await RawClient.connect(port);
          open.push(c);
          c.write(input);
          await c.waitClosed();
          return c.text;
        }),
      );
      expect(texts[1]).toBe(texts[0]);
      expect(texts[1]).toMatch(/^-ERR Protocol error: /);
    });
  }
});
