#!/usr/bin/env node
// One connection pipelines N SET+GET pairs (default 100,000) to a RESP server and waits for every
// reply: the issue-14 "pipelined durable" figure. Usage: node bench/resp-pipelined.mjs PORT [N]
// Prints seconds, pairs per second and, for kvs (KVS.STATS answers), writes per fsync.
import * as net from 'node:net';

const port = Number(process.argv[2]);
const n = Number(process.argv[3] ?? 100_000);
const frame = (...args) => {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
};

function connect() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `text` and resolves with everything received once `done(received)` holds. */
function exchange(socket, text, done) {
  return new Promise((resolve) => {
    const chunks = [];
    let tail = '';
    const onData = (chunk) => {
      chunks.push(chunk);
      tail = (tail + chunk.toString('latin1')).slice(-64);
      if (done(chunks, tail)) {
        socket.off('data', onData);
        resolve(Buffer.concat(chunks).toString('latin1'));
      }
    };
    socket.on('data', onData);
    socket.write(text);
  });
}

async function fsyncs(socket) {
  const reply = await exchange(socket, frame('KVS.STATS'), (_, tail) => tail.endsWith('\r\n') && (tail.includes('}') || tail.startsWith('-') || tail.includes('-ERR')));
  const m = /"fsyncsSinceOpen":(\d+)/.exec(reply);
  return m === null ? undefined : Number(m[1]);
}

const socket = await connect();
socket.setNoDelay(true);
const before = await fsyncs(socket);
let payload = '';
for (let i = 0; i < n; i++) payload += frame('SET', `key:${i}`, `value:${i}`) + frame('GET', `key:${i}`);
const lastReply = `value:${n - 1}\r\n`;
const started = process.hrtime.bigint();
const replies = await exchange(socket, payload, (_, tail) => tail.endsWith(lastReply));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const oks = replies.split('+OK\r\n').length - 1;
const after = await fsyncs(socket);
const perFsync = before === undefined || after === undefined ? 'n/a' : (n / Math.max(1, after - before)).toFixed(1);
console.log(`pipelined ${n} SET+GET: ${seconds.toFixed(2)} s, ${Math.round(n / seconds)} pairs/s, ${oks} OK, writes per fsync ${perFsync}`);
socket.destroy();
