/** The pieces of the LevelDB-format checks: CRC-32C, Snappy, the log and table checkers on their edges. */
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc } from '../../../src/util/crc32c.js';
import { snappyDecompress } from '../../../src/engines/level/snappy.js';
import { BLOCK_SIZE, findLogDamage, HEADER_SIZE } from '../../../src/engines/shared/leveldb-log.js';
import { checkTable } from '../../../src/engines/level/table-check.js';

/** One log record of `type` holding `data`. */
function record(data: Buffer, type = 1): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt16LE(data.length, 4);
  header[6] = type;
  header.writeUInt32LE(maskCrc(crc32c(Buffer.concat([Buffer.from([type]), data]))), 0);
  return Buffer.concat([header, data]);
}

describe('crc32c', () => {
  it('matches the standard check value and continues across calls', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const whole = crc32c(Buffer.from('hello world'));
    expect(crc32c(Buffer.from('hello world'), 5, 11, crc32c(Buffer.from('hello world'), 0, 5))).toBe(whole);
  });
});

describe('snappy', () => {
  it('decodes literals and overlapping copies', () => {
    // length 9; literal "abc"; copy length 6 from 3 back (1-byte-offset form: tag = 01 | (6-4)<<2)
    expect(Buffer.from(snappyDecompress(Buffer.from([9, 2 << 2, 0x61, 0x62, 0x63, 1 | (2 << 2), 3]))).toString()).toBe('abcabcabc');
  });
  it('never trusts a length: a copy reaching before the start and a long literal are RangeErrors', () => {
    expect(() => snappyDecompress(Buffer.from([9, 2 << 2, 0x61, 0x62, 0x63, 1 | (2 << 2), 9]))).toThrow(RangeError);
    expect(() => snappyDecompress(Buffer.from([3, 9 << 2, 0x61]))).toThrow(RangeError);
  });
});

describe('log checker', () => {
  const records = Buffer.concat([record(Buffer.from('first')), record(Buffer.from('second')), record(Buffer.from('third'))]);
  it('an intact log has no damage', () => {
    expect(findLogDamage(records)).toBeUndefined();
  });
  it('a record cut short at the end is a torn tail', () => {
    expect(findLogDamage(records.subarray(0, records.length - 2))).toMatchObject({ offset: 2 * HEADER_SIZE + 11, tail: true });
  });
  it('a flipped byte with intact records after it is damage, not a tail', () => {
    const bad = Buffer.from(records);
    bad[HEADER_SIZE + 1]! ^= 1;
    expect(findLogDamage(bad)).toMatchObject({ offset: 0, tail: false, reason: 'the record checksum does not match' });
  });
  it('a flipped length field hides the next record, which is still found: not a tail', () => {
    const bad = Buffer.from(records);
    bad[4] = 200;
    expect(findLogDamage(bad)).toMatchObject({ offset: 0, tail: false });
  });
  it('a valid record in a later block after damage is not a tail', () => {
    const first = record(Buffer.alloc(100, 1));
    first[HEADER_SIZE] = first[HEADER_SIZE]! ^ 1;
    const log = Buffer.concat([first, Buffer.alloc(BLOCK_SIZE - first.length), record(Buffer.from('later'))]);
    expect(findLogDamage(log)).toMatchObject({ offset: 0, tail: false });
  });
});

describe('table checker', () => {
  it('refuses a file shorter than a footer or without the magic number, naming the offset', () => {
    expect(() => checkTable(Buffer.alloc(10), 'leveldb/000001.ldb')).toThrow(/000001\.ldb is damaged at byte offset 0/);
    expect(() => checkTable(Buffer.alloc(100), 'leveldb/000001.ldb')).toThrow(/magic number/);
  });
});
