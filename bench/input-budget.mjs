#!/usr/bin/env node
// Issue 11's server case: 16 connections each send 60 MiB of a declared 64 MiB bulk and stop.
// Prints the server's RSS and accounted pending input (INFO memory) before, while they are
// connected, and after they close, and how many were disconnected for the budget.
// Usage: node bench/input-budget.mjs PORT   (a running `kvs server`, any engine)
import * as net from 'node:net';

const port = Number(process.argv[2]);
const MiB = 1024 * 1024;

function info() {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write('INFO everything\r\n'));
    let text = '';
    s.on('data', (c) => {
      text += c.toString('latin1');
      const header = /^\$(\d+)\r\n/.exec(text);
      if (header !== null && Buffer.byteLength(text, 'latin1') >= header[0].length + Number(header[1]) + 2) {
        s.destroy();
        const field = (name) => Number(new RegExp(`${name}:(\\d+)`).exec(text)?.[1]);
        resolve({ rss: field('used_memory_rss'), pending: field('mem_clients_normal'), evicted: field('evicted_clients') });
      }
    });
  });
}

const fmt = (i) => `rss ${(i.rss / MiB).toFixed(0)} MiB, accounted pending input ${(i.pending / MiB).toFixed(0)} MiB, evicted clients ${i.evicted}`;
console.log(`before: ${fmt(await info())}`);
const sockets = await Promise.all(Array.from({ length: 16 }, () => new Promise((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
  s.on('error', () => {});
})));
const piece = Buffer.alloc(MiB, 0x61);
sockets.forEach((s, i) => s.write(`*3\r\n$3\r\nSET\r\n$3\r\nk${String(i).padStart(2, '0')}\r\n$${64 * MiB}\r\n`));
for (let m = 0; m < 60; m++) {
  await Promise.all(sockets.map((s) => (s.destroyed ? undefined : new Promise((r) => (s.write(piece) ? r() : s.once('drain', r) && s.once('close', r))))));
}
let last;
for (let i = 0; i < 50; i++) {
  await new Promise((r) => setTimeout(r, 100));
  const now = await info();
  if (last !== undefined && now.pending === last.pending) break;
  last = now;
}
console.log(`16 × 60 MiB of 64 MiB sent: ${fmt(await info())}, sockets still open ${sockets.filter((s) => !s.destroyed).length}`);
for (const s of sockets) s.destroy();
for (let i = 0; i < 50; i++) {
  await new Promise((r) => setTimeout(r, 100));
  if ((await info()).pending === 0) break;
}
await new Promise((r) => setTimeout(r, 2000));
console.log(`after they closed: ${fmt(await info())}`);
