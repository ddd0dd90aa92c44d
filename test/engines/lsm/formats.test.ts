/** Byte grammars of the WAL batch and the version edit: encoded lengths, round trips, malformed input (varints: test/util/varint.test.ts). */
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/index.js';
import { EntryKind } from '../../../src/engines/lsm/entry.js';
import { decodeVersionEdit, emptyEdit, encodeVersionEdit, Tag } from '../../../src/engines/lsm/manifest/version-edit.js';
import { HEADER_SIZE } from '../../../src/engines/lsm/wal/wal-format.js';
import { BATCH_HEADER_SIZE, decodeBatch, encodeBatch } from '../../../src/engines/lsm/wal/write-batch.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('write batch', () => {
  const ops = [
    { kind: EntryKind.VALUE, key: b('key'), value: b('value') },
    { kind: EntryKind.DELETION, key: b('gone'), value: Buffer.alloc(0) },
  ] as const;

  it('encodes to header room + 12-byte batch header + kind, varint lengths, bytes', () => {
    const rec = encodeBatch(7, ops);
    expect(BATCH_HEADER_SIZE).toBe(12);
    expect(rec.length).toBe(HEADER_SIZE + 12 + (1 + 1 + 3 + 1 + 5) + (1 + 1 + 4));
  });

  it('round-trips with consecutive sequence numbers', () => {
    const rec = encodeBatch(7, ops);
    const got: [number, number, string, string][] = [];
    const last = decodeBatch(rec.subarray(HEADER_SIZE), 'wal', 0, (seq, kind, key, value) => got.push([seq, kind, key.toString(), value.toString()]));
    expect(last).toBe(8);
    expect(got).toEqual([
      [7, EntryKind.VALUE, 'key', 'value'],
      [8, EntryKind.DELETION, 'gone', ''],
    ]);
  });

  it('hands out views into the record so the caller may change its own buffers', () => {
    const key = b('mutable');
    const views: Buffer[] = [];
    encodeBatch(1, [{ kind: EntryKind.VALUE, key, value: b('v') }], (_kind, k) => views.push(k));
    key.fill(0);
    expect(views[0]!.toString()).toBe('mutable');
  });

  it('a batch whose lengths run past the record applies nothing and is CORRUPTION naming file and offset', () => {
    const payload = encodeBatch(1, ops).subarray(HEADER_SIZE);
    const applied: number[] = [];
    const cut = payload.subarray(0, payload.length - 2);
    expect(() => decodeBatch(cut, '000004.log', 96, (seq) => applied.push(seq))).toThrow(
      expect.objectContaining({ code: ErrorCodes.CORRUPTION, details: { file: '000004.log', offset: 96 } }),
    );
    expect(applied).toEqual([]);
  });

  it('a key length varint longer than 8 bytes is CORRUPTION and applies nothing', () => {
    const payload = Buffer.from(encodeBatch(1, [{ kind: EntryKind.VALUE, key: b('k'), value: b('v') }]).subarray(HEADER_SIZE));
    const overlong = Buffer.concat([payload.subarray(0, BATCH_HEADER_SIZE + 1), Buffer.from([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), payload.subarray(BATCH_HEADER_SIZE + 2)]);
    const applied: number[] = [];
    expect(() => decodeBatch(overlong, '000009.log', 0, (seq) => applied.push(seq))).toThrow(expect.objectContaining({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining('op 0 key length') }));
    expect(applied).toEqual([]);
  });
});

describe('version edit', () => {
  it('round-trips every field', () => {
    const edit = {
      ...emptyEdit(),
      logNumber: 12,
      nextFileNumber: 40,
      lastSequence: 2 ** 40,
      compactPointers: [{ level: 2, key: b('m') }],
      deletedFiles: [{ level: 1, number: 9 }],
      newFiles: [{ level: 1, file: { number: 33, fileSize: 4096, entryCount: 10, smallest: b('a'), largest: b('z') } }],
      newLogs: [41, 300],
    };
    expect(decodeVersionEdit(encodeVersionEdit(edit), 'MANIFEST-000002', 0)).toEqual(edit);
  });

  it('encodes a new file as tag, level, number, size, count and two length-prefixed keys', () => {
    const edit = { ...emptyEdit(), newFiles: [{ level: 0, file: { number: 5, fileSize: 300, entryCount: 2, smallest: b('ab'), largest: b('cd') } }] };
    const bytes = encodeVersionEdit(edit);
    expect(bytes[0]).toBe(Tag.NEW_FILE);
    expect(bytes.length).toBe(1 + 1 + 1 + 2 + 1 + (1 + 2) + (1 + 2));
  });

  it('encodes a WAL taking writes as LOG_FILE and its number: 1 + 2 bytes for WAL 300', () => {
    const bytes = encodeVersionEdit({ ...emptyEdit(), newLogs: [300] });
    expect([...bytes]).toEqual([Tag.LOG_FILE, 0xac, 0x02]);
  });

  it('an unknown tag is CORRUPTION naming the manifest and the offset', () => {
    expect(() => decodeVersionEdit(Buffer.from([99, 1]), 'MANIFEST-000007', 1234)).toThrow(
      expect.objectContaining({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining('MANIFEST-000007'), details: expect.objectContaining({ offset: 1234 }) }),
    );
  });

  it('a number past 2^53 - 1 (an 8-byte varint over 53 bits) is CORRUPTION, not a rounded value', () => {
    const tooBig = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]; // 2^56 - 1
    expect(() => decodeVersionEdit(Buffer.from([Tag.LAST_SEQUENCE, ...tooBig]), 'MANIFEST-000003', 0)).toThrow(
      expect.objectContaining({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining('last sequence') }),
    );
  });

  it('a key length running past the record is CORRUPTION', () => {
    expect(() => decodeVersionEdit(Buffer.from([Tag.COMPACT_POINTER, 1, 50, 0x61]), 'M', 0)).toThrow(expect.objectContaining({ code: ErrorCodes.CORRUPTION }));
  });
});
