/**
 * The log format shared by the WAL and the manifest (LevelDB's log_test, in spirit): records
 * fragment across 32 KiB blocks, a short block end is a zero trailer, a record cut anywhere is
 * a torn tail, a bad checksum at the end is a torn tail and in the middle is corruption.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/index.js';
import { BLOCK_SIZE, HEADER_SIZE, RecordType } from '../../../src/engines/lsm/wal/wal-format.js';
import { readLog, type LogContents } from '../../../src/engines/lsm/wal/wal-reader.js';
import { LogWriter } from '../../../src/engines/lsm/wal/wal-writer.js';
import { tempDir } from './store-dir.js';

/** A record of `n` bytes whose content tells records apart. */
const payload = (n: number, tag: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + tag) & 0xff));

/** Writes records of the given sizes to a new log; returns the file's bytes and each record's start offset. */
function writeLog(sizes: number[]): { data: Buffer; starts: number[]; file: string } {
  const file = path.join(tempDir('wal'), 'log');
  const w = LogWriter.create(file);
  const starts: number[] = [];
  sizes.forEach((n, i) => {
    starts.push(w.size);
    const rec = Buffer.alloc(HEADER_SIZE + n);
    payload(n, i).copy(rec, HEADER_SIZE);
    w.append(rec);
  });
  w.close();
  return { data: fs.readFileSync(file), starts, file };
}

function read(data: Buffer): { records: Buffer[]; result: LogContents } {
  const records: Buffer[] = [];
  const result = readLog('log', data, (p) => records.push(Buffer.from(p)));
  return { records, result };
}

describe('log format', () => {
  it('a record that fits its block is one FULL fragment of header + payload bytes', () => {
    const { data } = writeLog([100]);
    expect(data.length).toBe(HEADER_SIZE + 100);
    expect(data[6]).toBe(RecordType.FULL);
    expect(read(data).records).toEqual([payload(100, 0)]);
  });

  it('fragmentation: records larger than a block are split FIRST/MIDDLE/LAST and read back whole', () => {
    const sizes = [0, 10, BLOCK_SIZE * 3 + 17, 1, BLOCK_SIZE - HEADER_SIZE, 40_000, 5];
    const { data } = writeLog(sizes);
    const { records, result } = read(data);
    expect(records).toEqual(sizes.map((n, i) => payload(n, i)));
    expect(result.tail).toBeUndefined();
    expect(data.length).toBeGreaterThan(sizes.reduce((a, b) => a + b, 0) + sizes.length * HEADER_SIZE);
    expect(data[BLOCK_SIZE + 6]).toBe(RecordType.MIDDLE); // the big record continues at the second block
  });

  it('marginal trailer: fewer than 7 bytes left in a block are zero-filled and the next record starts at the next block', () => {
    const first = BLOCK_SIZE - HEADER_SIZE - 3 - HEADER_SIZE; // leaves exactly 3 bytes after the second header+0 bytes
    const { data, starts } = writeLog([first, 0, 20]);
    expect(starts[2]).toBe(BLOCK_SIZE - 3);
    expect(data.subarray(BLOCK_SIZE - 3, BLOCK_SIZE)).toEqual(Buffer.alloc(3));
    expect(data[BLOCK_SIZE + 6]).toBe(RecordType.FULL);
    expect(read(data).records).toEqual([payload(first, 0), payload(0, 1), payload(20, 2)]);
  });

  it('torn tail at every offset of the last record (which crosses a block boundary): earlier records survive, the cut is reported', () => {
    const { data, starts } = writeLog([BLOCK_SIZE - 500, 300, 900]);
    const last = starts[2]!;
    expect(last + 900 + 2 * HEADER_SIZE).toBeGreaterThan(BLOCK_SIZE);
    for (let cut = last; cut < data.length; cut++) {
      const { records, result } = read(data.subarray(0, cut));
      expect(records.length, `cut at ${cut}`).toBe(2);
      if (cut === last) {
        expect(result.tail).toBeUndefined();
      } else {
        expect(result.tail, `cut at ${cut}`).toMatchObject({ offset: last, bytes: cut - last });
      }
      expect(result.validBytes).toBe(last);
    }
  });

  it('checksum mismatch in the last record is a torn tail, never applied', () => {
    const { data, starts } = writeLog([50, 60, 70]);
    const bad = Buffer.from(data);
    bad[starts[2]! + HEADER_SIZE + 5]! ^= 0x01;
    const { records, result } = read(bad);
    expect(records).toEqual([payload(50, 0), payload(60, 1)]);
    expect(result.tail).toMatchObject({ offset: starts[2], reason: expect.stringContaining('checksum mismatch') });
  });

  it('checksum mismatch with valid records after it is CORRUPTION naming the file and offset', () => {
    const { data, starts } = writeLog([50, 60, 70]);
    const bad = Buffer.from(data);
    bad[starts[1]! + HEADER_SIZE + 5]! ^= 0x01;
    expect(() => read(bad)).toThrow(expect.objectContaining({ code: ErrorCodes.CORRUPTION, details: expect.objectContaining({ file: 'log', offset: starts[1] }) }));
  });

  it('damage in an earlier block with valid blocks after it is CORRUPTION, found by resynchronising at block starts', () => {
    const { data } = writeLog([BLOCK_SIZE * 2, 100]);
    const bad = Buffer.from(data);
    bad[10]! ^= 0xff; // inside the FIRST fragment of the big record
    expect(() => read(bad)).toThrow(expect.objectContaining({ code: ErrorCodes.CORRUPTION }));
  });

  it('a zero-filled tail (a crash after the file grew) is a torn tail', () => {
    const { data } = writeLog([50, 60]);
    const { records, result } = read(Buffer.concat([data, Buffer.alloc(200)]));
    expect(records.length).toBe(2);
    expect(result.tail).toMatchObject({ offset: data.length, bytes: 200 });
  });
});
