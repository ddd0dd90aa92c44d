/** Damaged table files: every flipped, truncated or missing byte is CORRUPTION naming the file and offset. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it, expect } from 'vitest';
import { BlockCache } from '../../../../src/engines/lsm/sstable/block-cache.js';
import {
  FOOTER_CRC,
  FOOTER_INDEX_SIZE,
  FOOTER_MAGIC,
  FOOTER_SIZE,
  blockCrc,
  decodeFooter,
  type Footer,
} from '../../../../src/engines/lsm/sstable/table-format.js';
import { TableReader, newReadCounters } from '../../../../src/engines/lsm/sstable/table-reader.js';
import { KvsError, isKvsError } from '../../../../src/engine/errors.js';
import type { InternalIterator } from '../../../../src/engines/lsm/iterator.js';
import { b, buildTable, numberedEntries, tempDir } from './helpers.js';

const entries = numberedEntries(300);

/** A fresh 300-entry table of several 512-byte blocks, closed, with its parsed footer. */
function freshTable(): { file: string; size: number; footer: Footer } {
  const t = buildTable(tempDir('corrupt'), entries, { blockSize: 512 }, '000012.sst');
  t.reader.close();
  const bytes = fs.readFileSync(t.file);
  const footer = decodeFooter(bytes.subarray(bytes.length - FOOTER_SIZE));
  if ('reason' in footer) throw new Error(footer.reason);
  return { file: t.file, size: bytes.length, footer };
}

function flipByte(file: string, offset: number): void {
  const bytes = fs.readFileSync(file);
  bytes[offset] = bytes[offset]! ^ 0x01;
  fs.writeFileSync(file, bytes);
}

function open(file: string): TableReader {
  return TableReader.open(file, 12, new BlockCache(1 << 20), newReadCounters());
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

function expectCorruption(err: KvsError, offset: number, text: RegExp): void {
  expect(err.code).toBe('CORRUPTION');
  expect(err.message).toContain(`table file 000012.sst is corrupt at byte offset ${offset}`);
  expect(err.message).toMatch(text);
  expect(err.message).toContain('restore 000012.sst from a backup');
  expect(err.details).toMatchObject({ file: '000012.sst', offset });
}

/** A block checksum names the whole block (the checksum cannot say which byte changed) and the fix. */
function expectBlockChecksum(err: KvsError, what: string, handle: { offset: number; size: number }): void {
  expect(err.code).toBe('CORRUPTION');
  expect(err.message).toContain(`table file 000012.sst is damaged in the ${what} block at offset ${handle.offset} (size ${handle.size} bytes): the block fails its checksum`);
  expect(err.message).toContain('restore 000012.sst from a backup');
  expect(err.details).toMatchObject({ file: '000012.sst', offset: handle.offset, blockSize: handle.size });
}

function drain(it: InternalIterator): number {
  let n = 0;
  for (it.seekToFirst(); it.valid(); it.next()) n++;
  return n;
}

describe('table corruption', () => {
  it('a flipped byte in the first data block: open succeeds, get and iteration name the block (offset 0, its size) and the fix', () => {
    const { file } = freshTable();
    const good = open(file);
    const idx = good.indexIterator();
    idx.seekToFirst();
    const first = good.handleAt(idx);
    good.close();
    flipByte(file, 5);
    const reader = open(file);
    expectBlockChecksum(caught(() => reader.get(b('key000000'), 1e9)), 'data', first);
    expectBlockChecksum(caught(() => drain(reader.iterator())), 'data', first);
    expect(reader.get(b('key000299'), 1e9)?.seq).toBe(300); // other blocks still read
    reader.close();
  });

  it('a flipped byte in a later data block names that block\'s offset', () => {
    const { file } = freshTable();
    const good = open(file);
    const idx = good.indexIterator();
    idx.seekToFirst();
    idx.next();
    const second = good.handleAt(idx);
    good.close();
    flipByte(file, second.offset + second.size); // the block type byte, covered by the CRC
    const reader = open(file);
    expectBlockChecksum(caught(() => drain(reader.iterator())), 'data', second);
    reader.close();
  });

  it('a flipped byte in the index block fails open at the index offset', () => {
    const { file, footer } = freshTable();
    flipByte(file, footer.index.offset + 3);
    expectBlockChecksum(caught(() => open(file)), 'index', footer.index);
  });

  it('a flipped byte in the filter block fails open at the filter offset', () => {
    const { file, footer } = freshTable();
    flipByte(file, footer.filter!.offset + 1);
    expectBlockChecksum(caught(() => open(file)), 'filter', footer.filter!);
  });

  it('a flipped byte in the footer fails its checksum', () => {
    const { file, size } = freshTable();
    const footerAt = size - FOOTER_SIZE;
    flipByte(file, footerAt + FOOTER_INDEX_SIZE);
    expectCorruption(caught(() => open(file)), footerAt + FOOTER_CRC, /footer checksum mismatch/);
  });

  it('a flipped magic byte says the file is not a kvs table', () => {
    const { file, size } = freshTable();
    flipByte(file, size - 1);
    expectCorruption(caught(() => open(file)), size - FOOTER_SIZE + FOOTER_MAGIC, /bad magic number/);
  });

  it('a truncated file is CORRUPTION at any length', () => {
    const { file, size } = freshTable();
    const original = fs.readFileSync(file);
    for (const length of [size - 1, size - FOOTER_SIZE, Math.floor(size / 2), FOOTER_SIZE - 1, 0]) {
      fs.writeFileSync(file, original.subarray(0, length));
      const err = caught(() => open(file));
      expect(err.code, `truncated to ${length}`).toBe('CORRUPTION');
      expect(err.message).toContain('000012.sst');
    }
  });

  it('a missing table file is CORRUPTION, not "not found"', () => {
    const err = caught(() => open(path.join(tempDir('missing'), '000012.sst')));
    expect(err.code).toBe('CORRUPTION');
    expect(err.message).toMatch(/^table file 000012\.sst is missing/);
    expect(err.details).toMatchObject({ file: '000012.sst' });
  });

  it('an unknown block type with a valid checksum is CORRUPTION at the type byte', () => {
    const { file } = freshTable();
    const bytes = fs.readFileSync(file);
    const good = open(file);
    const idx = good.indexIterator();
    idx.seekToFirst();
    const first = good.handleAt(idx);
    good.close();
    bytes[first.size] = 9; // 0 PLAIN and 1 ZLIB are the only types
    bytes.writeUInt32LE(blockCrc(bytes.subarray(0, first.size), 9), first.size + 1);
    fs.writeFileSync(file, bytes);
    const reader = open(file);
    expectCorruption(caught(() => reader.get(b('key000000'), 1e9)), first.size, /unknown type 9/);
    reader.close();
  });

  it('an index handle that points outside the data blocks (checksum recomputed) fails open at that entry', () => {
    const { file, footer } = freshTable();
    const bytes = fs.readFileSync(file);
    const index = bytes.subarray(footer.index.offset, footer.index.offset + footer.index.size);
    // First index entry: shared=0, nonShared=17 (9-byte user key + trailer), valueLength, then key, then handle (offset 0, size).
    expect([index[0], index[1]]).toEqual([0, 17]);
    const handleAt = 3 + 17;
    expect(index[handleAt]).toBe(0); // offset 0
    index[handleAt] = 0x7f; // offset 127: not where the first block starts
    bytes.writeUInt32LE(blockCrc(index, bytes[footer.index.offset + footer.index.size]!), footer.index.offset + footer.index.size + 1);
    fs.writeFileSync(file, bytes);
    expectCorruption(caught(() => open(file)), footer.index.offset, /index entry points at offset 127, expected 0/);
  });

  it('a footer whose index handle does not reach the footer is CORRUPTION', () => {
    const { file, size } = freshTable();
    const bytes = fs.readFileSync(file);
    const footerAt = size - FOOTER_SIZE;
    bytes.writeUInt32LE(bytes.readUInt32LE(footerAt + FOOTER_INDEX_SIZE) + 1000, footerAt + FOOTER_INDEX_SIZE);
    bytes.writeUInt32LE(zlib.crc32(bytes.subarray(footerAt, footerAt + FOOTER_CRC)), footerAt + FOOTER_CRC);
    fs.writeFileSync(file, bytes);
    expectCorruption(caught(() => open(file)), footerAt, /does not end where the footer starts/);
  });

  it('reading through a closed reader is NOT_OPEN', () => {
    const { file } = freshTable();
    const reader = open(file);
    reader.close();
    reader.close(); // idempotent
    expect(isKvsError(caught(() => reader.get(b('key000001'), 1e9)), 'NOT_OPEN')).toBe(true);
  });
});
