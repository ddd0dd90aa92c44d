/**
 * Compressed data blocks: which blocks are stored compressed, that every kind of table reads back
 * (version 1 tables of PLAIN blocks included), and that a damaged compressed block whose checksum
 * still matches is CORRUPTION naming the file and the block's offset, never wrong bytes.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { describe, it, expect } from 'vitest';
import { KvsError } from '../../../../src/engine/errors.js';
import { EntryKind } from '../../../../src/engines/lsm/entry.js';
import type { Entry } from '../../../../src/engines/lsm/iterators/array-iterator.js';
import { BlockCache } from '../../../../src/engines/lsm/sstable/block-cache.js';
import { SKIP_AFTER_FAILURE } from '../../../../src/engines/lsm/sstable/block-compression.js';
import { BLOCK_TYPE_PLAIN, BLOCK_TYPE_ZLIB, FOOTER_CRC, FOOTER_SIZE, FOOTER_VERSION, blockCrc, decodeFooter } from '../../../../src/engines/lsm/sstable/table-format.js';
import { TableReader, newReadCounters } from '../../../../src/engines/lsm/sstable/table-reader.js';
import { b, backwardAll, buildTable, forwardAll, plain, tempDir } from './helpers.js';

/** Entries whose values repeat text: deflate shrinks their blocks to a fraction. */
const textEntries: Entry[] = Array.from({ length: 400 }, (_, i) => ({
  key: b(`key${String(i).padStart(6, '0')}`),
  seq: i + 1,
  kind: EntryKind.VALUE,
  value: b(`value ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(3)}`),
}));

/** Entries with random values: no block compresses. */
let seed = 7;
const randomByte = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24; // imul: a product in doubles loses bits and the sequence collapses
const randomEntries: Entry[] = Array.from({ length: 400 }, (_, i) => ({
  key: b(`key${String(i).padStart(6, '0')}`),
  seq: i + 1,
  kind: EntryKind.VALUE,
  value: Buffer.from(Array.from({ length: 100 }, randomByte)),
}));

/** [offset, stored size, type] of every data block, read from the file through the reader's index. */
function blocksOf(file: string): { offset: number; size: number; type: number }[] {
  const reader = TableReader.open(file, 1, new BlockCache(0), newReadCounters());
  const bytes = fs.readFileSync(file);
  const out = Array.from({ length: reader.blockCount }, (_, i) => {
    const h = reader.blockHandle(i);
    return { ...h, type: bytes[h.offset + h.size]! };
  });
  reader.close();
  return out;
}

function caught(fn: () => unknown): KvsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KvsError) return err;
    throw err;
  }
  throw new Error('expected a KvsError');
}

/** Rewrites a compressed block's stored bytes with `damage` and recomputes its checksum, so only the codec can notice. */
function damageCompressedBlock(file: string, block: { offset: number; size: number }, damage: (stored: Buffer) => void): void {
  const bytes = fs.readFileSync(file);
  const stored = bytes.subarray(block.offset, block.offset + block.size);
  damage(stored);
  bytes.writeUInt32LE(blockCrc(stored, BLOCK_TYPE_ZLIB), block.offset + block.size + 1);
  fs.writeFileSync(file, bytes);
}

describe('table compression', () => {
  it('compressible blocks are stored ZLIB, the file is smaller than uncompressed, and every entry reads back both ways', () => {
    const zipped = buildTable(tempDir('zlib'), textEntries, { blockSize: 1024 });
    const plainTable = buildTable(tempDir('plain'), textEntries, { blockSize: 1024, compression: 'none' });
    expect(blocksOf(zipped.file).every((bl) => bl.type === BLOCK_TYPE_ZLIB)).toBe(true);
    expect(blocksOf(plainTable.file).every((bl) => bl.type === BLOCK_TYPE_PLAIN)).toBe(true);
    expect(zipped.meta.fileSize).toBeLessThan(plainTable.meta.fileSize * 0.5);
    expect(forwardAll(zipped.reader.iterator())).toEqual(textEntries.map(plain));
    expect(backwardAll(zipped.reader.iterator())).toEqual(textEntries.map(plain).reverse());
    for (const e of textEntries) expect(zipped.reader.get(e.key, 1e9)?.value.equals(e.value)).toBe(true);
    zipped.reader.close();
    plainTable.reader.close();
  });

  it('incompressible blocks are stored PLAIN, and after a failure the next blocks are not even tried', () => {
    const t = buildTable(tempDir('random'), randomEntries, { blockSize: 512 });
    const blocks = blocksOf(t.file);
    expect(blocks.length).toBeGreaterThan(SKIP_AFTER_FAILURE + 2);
    expect(blocks.every((bl) => bl.type === BLOCK_TYPE_PLAIN)).toBe(true);
    for (const e of randomEntries) expect(t.reader.get(e.key, 1e9)?.value.equals(e.value)).toBe(true);
    t.reader.close();
  });

  it('a version 1 table (every block PLAIN, written before compression) stays readable', () => {
    const t = buildTable(tempDir('v1'), textEntries, { blockSize: 1024, compression: 'none' });
    t.reader.close();
    const bytes = fs.readFileSync(t.file);
    const footerAt = bytes.length - FOOTER_SIZE;
    bytes.writeUInt32LE(1, footerAt + FOOTER_VERSION);
    bytes.writeUInt32LE(zlib.crc32(bytes.subarray(footerAt, footerAt + FOOTER_CRC)), footerAt + FOOTER_CRC);
    fs.writeFileSync(t.file, bytes);
    const footer = decodeFooter(bytes.subarray(footerAt));
    expect('reason' in footer ? footer.reason : footer.version).toBe(1);
    const reader = TableReader.open(t.file, 1, new BlockCache(1 << 20), newReadCounters());
    expect(forwardAll(reader.iterator())).toEqual(textEntries.map(plain));
    reader.close();
  });

  const damages: [string, (stored: Buffer) => void, RegExp][] = [
    ['garbled deflate bytes', (s) => s.fill(0xff, 2, 12), /compressed data block does not decompress/],
    ['a raw length that does not match the stream', (s) => (s[0] = s[0]! ^ 0x04), /compressed data block decompresses to \d+ bytes, its header says \d+|does not decompress/],
    ['a stream cut short (zeroed tail)', (s) => s.fill(0, s.length >> 1), /compressed data block (does not decompress|decompresses to)/],
    ['a length header of six continuation bytes', (s) => s.fill(0x80, 0, 6), /compressed data block has a malformed length header/],
  ];
  for (const [name, damage, reason] of damages) {
    it(`a compressed block with ${name} and a matching checksum is CORRUPTION at the block's offset, for get and for iteration`, () => {
      const t = buildTable(tempDir('damaged'), textEntries, { blockSize: 1024 }, '000021.sst');
      t.reader.close();
      const second = blocksOf(t.file)[1]!;
      expect(second.type).toBe(BLOCK_TYPE_ZLIB);
      damageCompressedBlock(t.file, second, damage);
      const reader = TableReader.open(t.file, 21, new BlockCache(1 << 20), newReadCounters());
      const inSecond = textEntries.find((e) => reader.blockFor(e.key, 1e9) === 1)!;
      for (const err of [caught(() => reader.get(inSecond.key, 1e9)), caught(() => forwardAll(reader.iterator()))]) {
        expect(err.code).toBe('CORRUPTION');
        expect(err.message).toContain(`table file 000021.sst is corrupt at byte offset ${second.offset}`);
        expect(err.message).toMatch(reason);
        expect(err.details).toMatchObject({ file: '000021.sst', offset: second.offset });
      }
      expect(reader.get(textEntries[0]!.key, 1e9)?.value.equals(textEntries[0]!.value)).toBe(true); // the first block is intact
      reader.close();
    });
  }

  it('a compressed block whose checksum fails is reported as a checksum failure before any decompression', () => {
    const t = buildTable(tempDir('crc'), textEntries, { blockSize: 1024 }, '000022.sst');
    t.reader.close();
    const first = blocksOf(t.file)[0]!;
    const bytes = fs.readFileSync(t.file);
    bytes[first.offset + 3] = bytes[first.offset + 3]! ^ 0x10;
    fs.writeFileSync(t.file, bytes);
    const reader = TableReader.open(t.file, 22, new BlockCache(1 << 20), newReadCounters());
    const err = caught(() => reader.get(textEntries[0]!.key, 1e9));
    expect(err.message).toContain(`damaged in the data block at offset ${first.offset} (size ${first.size} bytes): the block fails its checksum`);
    reader.close();
  });
});
