/** hashSlot agrees with the server's CLUSTER KEYSLOT, hash tags included; PageSelection keeps the first keys. */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc16, hashSlot } from '../../../src/engines/redis/hash-slot.js';
import { PageSelection } from '../../../src/engines/redis/page-selection.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

let node: RedisServer;
beforeAll(async () => {
  node = await startRedisServer({ args: ['--cluster-enabled', 'yes'] }); // CLUSTER KEYSLOT needs Cluster mode, not slots
});
afterAll(() => node?.stop());

describe('hashSlot', () => {
  it('CRC16/XMODEM of "123456789" is 0x31c3 (the check value Redis Cluster specifies)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it('matches CLUSTER KEYSLOT for plain, tagged, empty-tag and binary keys', async () => {
    const seed = Number(process.env.KVS_SLOT_SEED ?? Date.now() % 100_000);
    console.log(`hash-slot seed ${seed} (replay with KVS_SLOT_SEED=${seed})`);
    let state = seed;
    const random = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys: Buffer[] = ['kvs:a', 'kvs:{user1}:x', 'kvs:{user1}:y', 'kvs:{}x', 'kvs:{x', 'kvs:}{a}', 'kvs:{a}{b}', '{', '{}', 'foo{}{bar}'].map((k) => Buffer.from(k));
    for (let i = 0; i < 200; i++) keys.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.2 ? 0x7b + Math.floor(random() * 3) : Math.floor(random() * 256)))));
    const client = createClient({ url: node.url });
    await client.connect();
    try {
      for (const key of keys) expect(hashSlot(key), key.toString('hex')).toBe(await client.sendCommand(['CLUSTER', 'KEYSLOT', key]));
    } finally {
      client.destroy();
    }
  });
});

describe('PageSelection', () => {
  it('keeps the first distinct keys in order from an unordered stream with duplicates', () => {
    const forward = new PageSelection(3, false);
    const reverse = new PageSelection(3, true);
    for (const key of ['m', 'c', 'z', 'a', 'c', 'b', 'y', 'a', 'x', 'b']) {
      forward.offer(key);
      reverse.offer(key);
    }
    expect(forward.keys()).toEqual(['a', 'b', 'c']);
    expect(reverse.keys()).toEqual(['z', 'y', 'x']);
  });

  it('finds the first page of a long stream that arrives in the worst order (descending)', () => {
    const page = new PageSelection(10, false);
    for (let i = 100_000; i > 0; i--) page.offer(String(i).padStart(6, '0'));
    expect(page.keys()).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1).padStart(6, '0')));
  });
});
