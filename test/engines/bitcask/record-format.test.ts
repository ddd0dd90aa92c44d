/** Byte grammar of data records, hint chunks and file names: widths, equivalent encoders, CRC coverage, ordering. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import {
  decodeHeader,
  encodeHeaderAndKey,
  encodeRecord,
  FLAG_BATCH_CONTINUES,
  FLAG_TOMBSTONE,
  HEADER_SIZE,
  CRC_SIZE,
  recordCrcMatches,
  recordSize,
} from '../../../src/engines/bitcask/record-format.js';
import { CHUNK_HEADER_SIZE, ENTRY_HEADER_SIZE, HINT_MAGIC } from '../../../src/engines/bitcask/hint-format.js';
import { appendHintChunk, HintChunkBuilder } from '../../../src/engines/bitcask/hint-writer.js';
import { countHintEntries, readHint, readHintFile } from '../../../src/engines/bitcask/hint-reader.js';
import { compareFileIds, dataFileName, formatFileId, hintFileName, parseFileName, type FileId } from '../../../src/engines/bitcask/file-names.js';
import { tempDir } from './store-dir.js';

const key = Buffer.from('user:42');
const value = Buffer.from('a value that is not too short');
const TS = 1_700_000_000;

function record(k: Buffer, v: Buffer, flags = 0): Buffer {
  const out = Buffer.alloc(recordSize(k.length, v.length));
  expect(encodeRecord(out, 0, k, v, flags, TS)).toBe(out.length);
  return out;
}

describe('data record format', () => {
  it('header is 17 bytes: crc 4 + timestamp 4 + flags 1 + keySize 4 + valueSize 4', () => {
    expect(HEADER_SIZE).toBe(4 + 4 + 1 + 4 + 4);
    expect(HEADER_SIZE).toBe(17);
    expect(recordSize(3, 5)).toBe(17 + 3 + 5);
  });

  it('encodeRecord and encodeHeaderAndKey + value produce identical bytes of length 17 + key + value', () => {
    for (const [k, v, flags] of [
      [key, value, 0],
      [key, Buffer.alloc(0), FLAG_TOMBSTONE],
      [Buffer.from('k'), Buffer.alloc(70_000, 7), FLAG_BATCH_CONTINUES],
    ] as const) {
      const whole = record(k, v, flags);
      const split = Buffer.concat([encodeHeaderAndKey(k, v, flags, TS), v]);
      expect(whole.length).toBe(17 + k.length + v.length);
      expect(split.equals(whole)).toBe(true);
      expect(decodeHeader(whole, 0)).toEqual({ crc: whole.readUInt32LE(0), timestamp: TS, flags, keySize: k.length, valueSize: v.length });
      expect(recordCrcMatches(whole, 0, whole.length)).toBe(true);
    }
  });

  it('encodes at a non-zero offset without touching the bytes around the record', () => {
    const size = recordSize(key.length, value.length);
    const out = Buffer.alloc(size + 10, 0xee);
    expect(encodeRecord(out, 5, key, value, 0, TS)).toBe(5 + size);
    expect(out.subarray(5, 5 + size).equals(record(key, value))).toBe(true);
    expect(recordCrcMatches(out, 5, size)).toBe(true);
    expect([...out.subarray(0, 5), ...out.subarray(5 + size)].every((b) => b === 0xee)).toBe(true);
  });

  it('the CRC covers every byte after the crc field: flipping any one of them is detected', () => {
    const whole = record(key, value);
    for (let i = CRC_SIZE; i < whole.length; i++) {
      const bad = Buffer.from(whole);
      bad[i] = bad[i]! ^ 0x01;
      expect(recordCrcMatches(bad, 0, bad.length), `byte ${i}`).toBe(false);
    }
    const badCrc = Buffer.from(whole);
    badCrc[0] = badCrc[0]! ^ 0x01;
    expect(recordCrcMatches(badCrc, 0, badCrc.length)).toBe(false);
  });
});

describe('hint format', () => {
  it('chunk header is 20 bytes and each entry 17 bytes + key', () => {
    expect(CHUNK_HEADER_SIZE).toBe(4 + 4 + 4 + 4 + 4);
    expect(CHUNK_HEADER_SIZE).toBe(20);
    expect(ENTRY_HEADER_SIZE).toBe(4 + 1 + 4 + 4 + 4);
    expect(ENTRY_HEADER_SIZE).toBe(17);

    expect(new HintChunkBuilder().finish(0).length).toBe(20);
    const b = new HintChunkBuilder();
    b.add(TS, 0, Buffer.from('a'), 10, 0);
    b.add(TS, FLAG_TOMBSTONE, Buffer.from('bbbb'), 0, 28);
    const chunk = b.finish(49);
    expect(chunk.length).toBe(20 + (17 + 1) + (17 + 4));
    expect(chunk.readUInt32LE(0)).toBe(HINT_MAGIC);
    expect(chunk.subarray(0, 4).toString('latin1')).toBe('HHVK');
  });

  it('a builder that outgrows its buffer still encodes every entry', () => {
    const b = new HintChunkBuilder();
    const bigKey = Buffer.alloc(1000, 0x61);
    for (let i = 0; i < 100; i++) b.add(TS, 0, bigKey, i, i * 2000);
    expect(b.entryCount).toBe(100);
    expect(b.finish(200_000).length).toBe(20 + 100 * (17 + 1000));
  });

  it('chunks round-trip through appendHintChunk and readHint, entries in order', () => {
    const file = path.join(tempDir('hint'), '0000000001.hint');
    const first = new HintChunkBuilder();
    first.add(TS, 0, Buffer.from('a'), 3, 0);
    const c1 = Buffer.from(first.finish(21));
    appendHintChunk(file, 0, c1);
    const second = new HintChunkBuilder();
    second.add(TS + 1, FLAG_TOMBSTONE, Buffer.from('a'), 0, 21);
    appendHintChunk(file, c1.length, second.finish(39));
    const seen: string[] = [];
    const outcome = readHint(readHintFile(file), 39, (e) => seen.push(`${e.key.toString()}@${e.offset}/${e.valueSize}/${e.flags}/${e.timestamp}`));
    expect(seen).toEqual([`a@0/3/0/${TS}`, `a@21/0/1/${TS + 1}`]);
    expect(outcome).toEqual({ coveredSize: 39, validLength: fs.statSync(file).size });
  });
});

describe('hint entry estimate', () => {
  it('countHintEntries sums chunk counts and never exceeds what the bytes could hold (corrupt count)', () => {
    const b = new HintChunkBuilder();
    for (let i = 0; i < 10; i++) b.add(TS, 0, Buffer.from(`key-${i}`), 1, i * 30);
    const chunk = Buffer.from(b.finish(300));
    expect(countHintEntries(Buffer.concat([chunk, chunk]))).toBe(20);
    const corrupt = Buffer.from(chunk);
    corrupt.writeUInt32LE(0xffffffff, 4); // entryCount
    expect(countHintEntries(corrupt)).toBeLessThanOrEqual(Math.floor(chunk.length / (ENTRY_HEADER_SIZE + 1)));
    const longBody = Buffer.from(chunk);
    longBody.writeUInt32LE(0xffffffff, 4);
    longBody.writeUInt32LE(0xfffffff0, 8); // bodySize runs past the end
    expect(countHintEntries(longBody)).toBeLessThanOrEqual(Math.floor(chunk.length / (ENTRY_HEADER_SIZE + 1)));
  });
});

describe('file names', () => {
  it('format and parse round-trip for data and hint files', () => {
    for (const id of [
      { major: 1, minor: 0 },
      { major: 42, minor: 0 },
      { major: 41, minor: 3 },
      { major: 41, minor: 10_000 }, // a merge of more than 9999 outputs: wider than the padding
      { major: 12_345_678_901, minor: 0 },
      { major: 9_999_999_999, minor: 9999 },
    ] satisfies FileId[]) {
      expect(parseFileName(dataFileName(id))).toEqual({ id, kind: 'data' });
      expect(parseFileName(hintFileName(id))).toEqual({ id, kind: 'hint' });
    }
    expect(dataFileName({ major: 42, minor: 0 })).toBe('0000000042.data');
    expect(dataFileName({ major: 41, minor: 3 })).toBe('0000000041-0003.data');
    expect(hintFileName({ major: 41, minor: 3 })).toBe('0000000041-0003.hint');
    expect(formatFileId({ major: 5, minor: 1 })).toBe('0000000005-0001');
  });

  it('names that are not bitcask files do not parse', () => {
    for (const name of ['42.data', '0000000042-3.data', '0000000042.data.tmp-123', '0000000042.hint.tmp-1', 'LOCK', 'kvs-store.json', '0000000042.dat']) {
      expect(parseFileName(name), name).toBeUndefined();
    }
  });

  it('(41,3) sorts after (41,0) and before (42,0)', () => {
    const names = ['0000000042.data', '0000000041-0003.data', '0000000041.data', '0000000041-0010.data', '0000000040-0001.data'];
    const ids = names.map((n) => parseFileName(n)!.id).sort(compareFileIds);
    expect(ids.map(formatFileId)).toEqual(['0000000040-0001', '0000000041', '0000000041-0003', '0000000041-0010', '0000000042']);
    expect(compareFileIds({ major: 41, minor: 3 }, { major: 41, minor: 0 })).toBeGreaterThan(0);
    expect(compareFileIds({ major: 41, minor: 3 }, { major: 42, minor: 0 })).toBeLessThan(0);
    // Lexical order of names is NOT the load order ('-' sorts before '.'): loaders must sort by id.
    expect([...names].sort().indexOf('0000000041-0003.data')).toBeLessThan([...names].sort().indexOf('0000000041.data'));
  });
});
