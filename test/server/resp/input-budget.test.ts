/**
 * The global budget for pending client input (issue 11): 16 real sockets each send most of a
 * large SET and stop; the server disconnects the biggest holders until the sum is within the
 * budget, no more, serves the rest, and accounts nothing once they are gone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './in-process.js';
import { RawClient } from './raw-client.js';

const MiB = 1024 * 1024;
const servers: TestServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function until(done: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('pending input budget', () => {
  it('16 clients with large partial bulks: the biggest are disconnected until the rest fit, which still complete; nothing stays accounted', async () => {
    const budget = 40 * MiB;
    const declared = 8 * MiB;
    const sent = 6 * MiB;
    const server = await startTestServer({ limits: { maxPendingInputBytes: budget } });
    servers.push(server);
    const n = 16;
    for (let i = 0; i < n; i++) clients.push(await RawClient.connect(server.port));
    const keys = clients.map((_, i) => `k${String(i).padStart(2, '0')}`);
    clients.forEach((c, i) => c.write(`*3\r\n$3\r\nSET\r\n$3\r\n${keys[i]}\r\n$${declared}\r\n`));

    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, server.server.pendingInputBytes)), 1);
    const piece = Buffer.alloc(256 * 1024, 0x61);
    for (let at = 0; at < sent; at += piece.length) {
      for (const c of clients) if (!c.closed) c.write(piece);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Each survivor holds its key, the command name and the bytes of the value sent so far.
    const perClient = sent + 3 + 3;
    const settled = (): boolean => {
      const alive = n - server.server.inputEvictions;
      return server.server.pendingInputBytes === alive * perClient && clients.filter((c) => c.closed).length === server.server.inputEvictions;
    };
    await until(settled, () => `accounted ${server.server.pendingInputBytes}, evicted ${server.server.inputEvictions}, closed ${clients.filter((c) => c.closed).length}`);
    clearInterval(sampler);

    expect(peak).toBeLessThanOrEqual(budget);
    // Evicting the biggest until under budget leaves exactly as many as fit (no fewer: none was cut needlessly).
    const alive = clients.filter((c) => !c.closed);
    expect(alive.length).toBe(Math.floor(budget / perClient));
    expect(server.logs.filter((line) => line.includes('over the 41943040-byte budget (--max-pending-input)'))).toHaveLength(n - alive.length);

    // The survivors finish their requests, one after the other (all at once would go over the budget), and are served.
    const rest = Buffer.concat([Buffer.alloc(declared - sent, 0x61), Buffer.from('\r\n')]);
    for (const c of alive) {
      c.write(rest);
      await c.waitFor('+OK\r\n');
    }
    expect(server.server.inputEvictions).toBe(n - alive.length);
    const first = clients.indexOf(alive[0]!);
    const value = await server.service.get(keys[first]!);
    expect(value?.length).toBe(declared);
    expect(value?.every((b) => b === 0x61)).toBe(true);
    expect(server.server.pendingInputBytes).toBe(0);

    // A partial request that is left behind is forgotten when its client goes away.
    alive[0]!.write(`*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$${declared}\r\n`);
    alive[0]!.write(Buffer.alloc(MiB));
    await until(() => server.server.pendingInputBytes >= MiB, () => `accounted ${server.server.pendingInputBytes}`);
    for (const c of alive) c.close();
    await until(() => server.server.pendingInputBytes === 0 && server.server.connectionCount === 0, () => `accounted ${server.server.pendingInputBytes}, connections ${server.server.connectionCount}`);
  });

  it('the default budget is 512 MiB, twice the largest request', async () => {
    const { DEFAULT_LIMITS } = await import('../../../src/server/resp/limits.js');
    expect(DEFAULT_LIMITS.maxPendingInputBytes).toBe(512 * MiB);
    expect(DEFAULT_LIMITS.maxPendingInputBytes).toBe(2 * DEFAULT_LIMITS.maxRequestBytes);
  });
});
