/** Byte grammars of the WAL batch and the version edit: encoded lengths, round trips, malformed input. */
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/index.js';
import { EntryKind } from '../../../src/engines/lsm/entry.js';
import { decodeVersionEdit, emptyEdit, encodeVersionEdit, Tag } from '../../../src/engines/lsm/manifest/version-edit.js';
import { HEADER_SIZE } from '../../../src/engines/lsm/wal/wal-format.js';
import { BATCH_HEADER_SIZE, decodeBatch, encodeBatch } from '../../../src/engines/lsm/wal/write-batch.js';
import { getVarint, putVarint, varintLength } from '../../../src/engines/lsm/coding.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('varint', () => {
  it('round-trips values up to 2^53 - 1 with the expected widths', () => {
    for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 32, 2 ** 48 - 1, Number.MAX_SAFE_INTEGER]) {
      const buf = Buffer.alloc(8);
      const end = putVarint(buf, 0, n);
      expect(end).toBe(varintLength(n));
      expect(getVarint(buf, 0, end)).toEqual({ value: n, next: end });
    }
    expect(varintLength(127)).toBe(1);
    expect(varintLength(128)).toBe(2);
  });
  it('a varint cut off by the end of the input is undefined', () => {
    expect(getVarint(Buffer.from([0x80, 0x80]), 0, 2)).toBeUndefined();
  });
});

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
    };
    expect(decodeVersionEdit(encodeVersionEdit(edit), 'MANIFEST-000002', 0)).toEqual(edit);
  });

  it('encodes a new file as tag, level, number, size, count and two length-prefixed keys', () => {
    const edit = { ...emptyEdit(), newFiles: [{ level: 0, file: { number: 5, fileSize: 300, entryCount: 2, smallest: b('ab'), largest: b('cd') } }] };
    const bytes = encodeVersionEdit(edit);
    expect(bytes[0]).toBe(Tag.NEW_FILE);
    expect(bytes.length).toBe(1 + 1 + 1 + 2 + 1 + (1 + 2) + (1 + 2));
  });

  it('an unknown tag is CORRUPTION naming the manifest and the offset', () => {
    expect(() => decodeVersionEdit(Buffer.from([99, 1]), 'MANIFEST-000007', 1234)).toThrow(
      expect.objectContaining({ code: ErrorCodes.CORRUPTION, message: expect.stringContaining('MANIFEST-000007'), details: expect.objectContaining({ offset: 1234 }) }),
    );
  });

  it('a key length running past the record is CORRUPTION', () => {
    expect(() => decodeVersionEdit(Buffer.from([Tag.COMPACT_POINTER, 1, 50, 0x61]), 'M', 0)).toThrow(expect.objectContaining({ code: ErrorCodes.CORRUPTION }));
  });
});
