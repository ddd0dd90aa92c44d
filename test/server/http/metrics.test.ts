/** GET /metrics: Prometheus text from the server's own registry; counters move with served commands, connections and engine work. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { scrape, startTestServer, until, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ sync: 'always' });
});
afterAll(async () => {
  await s.close();
});

const value = (m: Map<string, number>, name: string) => m.get(name) ?? 0;

describe('metrics', () => {
  it('is Prometheus text with HELP and TYPE lines', async () => {
    const res = await fetch(`${s.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE kvs_ops_total counter');
    expect(text).toContain('# TYPE kvs_op_duration_seconds histogram');
    expect(text).toContain('# HELP kvs_connected_clients');
  });

  it('ops, latency samples, changes and keys grow with HTTP writes', async () => {
    const before = await scrape(s.base);
    for (let i = 0; i < 3; i++) await fetch(`${s.base}/v1/kv/m${i}`, { method: 'PUT', body: 'v' });
    await fetch(`${s.base}/v1/kv/m0`);
    const after = await scrape(s.base);
    const set = 'kvs_ops_total{command="set",interface="http"}';
    expect(value(after, set) - value(before, set)).toBe(3);
    const get = 'kvs_ops_total{command="get",interface="http"}';
    expect(value(after, get) - value(before, get)).toBe(1);
    const count = 'kvs_op_duration_seconds_count{command="set",interface="http"}';
    expect(value(after, count) - value(before, count)).toBe(3);
    expect(value(after, 'kvs_changes_total') - value(before, 'kvs_changes_total')).toBe(3);
    expect(value(after, 'kvs_keys')).toBe(await s.engine.count());
    expect(value(after, 'kvs_disk_bytes')).toBeGreaterThan(0);
  });

  it('a miss is not an error; bad input is', async () => {
    const before = await scrape(s.base);
    await fetch(`${s.base}/v1/kv/absent`);
    await fetch(`${s.base}/v1/kv/bad%zz`, { method: 'PUT', body: 'x' });
    const after = await scrape(s.base);
    expect(value(after, 'kvs_op_errors_total{command="get",interface="http"}')).toBe(value(before, 'kvs_op_errors_total{command="get",interface="http"}'));
    const setErrors = 'kvs_op_errors_total{command="set",interface="http"}';
    expect(value(after, setErrors) - value(before, setErrors)).toBe(1);
  });

  it('commands another interface reports (RESP) are counted under its name', async () => {
    s.service.recordOp({ via: 'resp', command: 'GET', seconds: 0.0001, ok: true });
    s.service.recordOp({ via: 'resp', command: 'GET', seconds: 0.0001, ok: false });
    const m = await scrape(s.base);
    expect(value(m, 'kvs_ops_total{command="get",interface="resp"}')).toBe(2);
    expect(value(m, 'kvs_op_errors_total{command="get",interface="resp"}')).toBe(1);
  });

  it('connected clients by interface include WebSocket watchers', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/v1/watch`);
    await new Promise((resolve) => ws.once('message', resolve));
    const during = await scrape(s.base);
    expect(value(during, 'kvs_connected_clients{interface="ws"}')).toBe(1);
    expect(value(during, 'kvs_connected_clients{interface="http"}')).toBeGreaterThanOrEqual(1); // this scrape's own connection
    ws.close();
    await until(() => s.service.connections().ws === 0);
    expect(value(await scrape(s.base), 'kvs_connected_clients{interface="ws"}')).toBe(0);
  });

  it('fsyncs move under sync always, and compactions after a compaction', async () => {
    const before = await scrape(s.base);
    await fetch(`${s.base}/v1/kv/synced`, { method: 'PUT', body: 'v' });
    const mid = await scrape(s.base);
    expect(value(mid, 'kvs_fsyncs_total')).toBeGreaterThan(value(before, 'kvs_fsyncs_total'));
    for (let i = 0; i < 50; i++) await s.service.set('churn', `value-${i}`, 'http');
    await s.service.compact();
    const after = await scrape(s.base);
    expect(value(after, 'kvs_compactions_total')).toBe(value(mid, 'kvs_compactions_total') + 1);
    expect(value(after, 'kvs_compaction_bytes_total')).toBeGreaterThan(value(mid, 'kvs_compaction_bytes_total'));
  });

  it('on the LSM engine, compactions, their bytes and fsyncs come from its own stats names', async () => {
    const lsm = await startTestServer({ engine: 'lsm', sync: 'always' });
    try {
      const before = await scrape(lsm.base);
      for (let i = 0; i < 20; i++) await fetch(`${lsm.base}/v1/kv/l${i % 5}`, { method: 'PUT', body: `value-${i}` });
      await lsm.service.compact();
      const after = await scrape(lsm.base);
      expect(value(after, 'kvs_fsyncs_total')).toBeGreaterThan(value(before, 'kvs_fsyncs_total'));
      expect(value(after, 'kvs_compactions_total')).toBeGreaterThan(value(before, 'kvs_compactions_total'));
      expect(value(after, 'kvs_compaction_bytes_total')).toBeGreaterThan(value(before, 'kvs_compaction_bytes_total'));
      expect(value(after, 'kvs_keys')).toBe(5);
    } finally {
      await lsm.close();
    }
  });

  it('process metrics come from the same registry', async () => {
    const m = await scrape(s.base);
    expect([...m.keys()].some((name) => name.startsWith('process_cpu_user_seconds_total'))).toBe(true);
  });

  it('two servers in one process keep separate counters', async () => {
    const other = await startTestServer();
    try {
      await fetch(`${other.base}/v1/kv/x`, { method: 'PUT', body: 'v' });
      const mine = await scrape(s.base);
      const theirs = await scrape(other.base);
      expect(value(theirs, 'kvs_ops_total{command="set",interface="http"}')).toBe(1);
      expect(value(mine, 'kvs_ops_total{command="set",interface="http"}')).toBeGreaterThan(1);
    } finally {
      await other.close();
    }
  });
});
