/**
 * How the lsm engine's block codec was chosen: 4 KiB data blocks built from the lsm figures' keys
 * and values (bench/lsm-figures.mjs: 14-byte keys, 100-byte values, random or VALUES=text), then
 * each candidate codec Node ships compresses and decompresses every block. Reports the stored size
 * as a share of the raw size and the median CPU µs per block over interleaved rounds.
 *   npm run build && node bench/lsm-compression.mjs [blocks=300] [rounds=5]
 */
import * as zlib from 'node:zlib';
import { BlockBuilder } from '../dist/engines/lsm/sstable/block-builder.js';

const BLOCKS = Number(process.argv[2] ?? 300);
const ROUNDS = Number(process.argv[3] ?? 5);
let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
const text = 'the quick brown fox jumps over the lazy dog; ';
const value = (i, kind) => {
  if (kind === 'text') return Buffer.from(`${i}:`.padEnd(100, text).slice(0, 100));
  const v = Buffer.allocUnsafe(100);
  for (let j = 0; j < 100; j++) v[j] = random() >>> 24;
  return v;
};
function blocks(kind) {
  const out = [];
  let i = 0;
  for (let n = 0; n < BLOCKS; n++) {
    const bb = new BlockBuilder(16);
    while (bb.estimatedSize() < 4096) {
      const key = Buffer.alloc(14 + 8);
      key.write(`key:${String(i).padStart(10, '0')}`);
      key.writeUInt32LE(((i + 1) * 256 + 1) >>> 0, 14);
      bb.add(key, value(i++, kind));
    }
    out.push(bb.finish());
  }
  return out;
}
const brotli = { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: 4096 };
const codecs = {
  'zlib raw deflate, level 1 (chosen)': [(b) => zlib.deflateRawSync(b, { level: 1 }), (c) => zlib.inflateRawSync(c)],
  'zlib raw deflate, level 6': [(b) => zlib.deflateRawSync(b, { level: 6 }), (c) => zlib.inflateRawSync(c)],
  'brotli, quality 1': [(b) => zlib.brotliCompressSync(b, { params: brotli }), (c) => zlib.brotliDecompressSync(c)],
};
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${BLOCKS} blocks of ~4 KiB per kind, ${ROUNDS} interleaved rounds, median CPU µs per block; Node ${process.version}`);
console.log('| values | codec | stored / raw | compress µs | decompress µs |\n|---|---|---:|---:|---:|');
for (const kind of ['random', 'text']) {
  const raw = blocks(kind);
  const rawBytes = raw.reduce((s, b) => s + b.length, 0);
  const samples = Object.fromEntries(Object.keys(codecs).map((n) => [n, { c: [], d: [], size: 0 }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, [compress, decompress]] of Object.entries(codecs)) {
      let t = cpu();
      const stored = raw.map(compress);
      samples[name].c.push((cpu() - t) / raw.length);
      t = cpu();
      for (const s of stored) decompress(s);
      samples[name].d.push((cpu() - t) / raw.length);
      samples[name].size = stored.reduce((s, b) => s + b.length, 0);
    }
  }
  for (const [name, s] of Object.entries(samples)) {
    console.log(`| ${kind} | ${name} | ${(s.size / rawBytes).toFixed(3)} | ${median(s.c).toFixed(1)} | ${median(s.d).toFixed(1)} |`);
  }
}
