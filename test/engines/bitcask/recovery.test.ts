/**
 * Open-time recovery (load-store, record-scanner, hint-reader): torn tails are cut and
 * reported, corruption in the middle is an error naming file and offset, and a missing or
 * damaged hint falls back to scanning the data file and is rewritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { ErrorCodes, type KvsEngine } from '../../../src/index.js';
import { recordSize } from '../../../src/engines/bitcask/record-format.js';
import { loadStore } from '../../../src/engines/bitcask/load-store.js';
import { contents, copyStore, dataFiles, fileSize, flipByte, open, sorted, tempDir } from './store-dir.js';

const DATA = '0000000001.data';
const HINT = '0000000001.hint';

type Op = [key: string, value: string | null];

/** Writes `ops` (null value = delete) in one session and closes, so the store is one data file with a hint. */
async function buildStore(ops: Op[], options: Record<string, unknown> = {}): Promise<string> {
  const dir = tempDir('base');
  const db = await open(dir, options);
  for (const [k, v] of ops) {
    if (v === null) await db.delete(k);
    else await db.set(k, v);
  }
  await db.close();
  return dir;
}

function modelOf(ops: Op[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of ops) {
    if (v === null) m.delete(k);
    else m.set(k, v);
  }
  return sorted(m);
}

interface TornTailStat {
  file: string;
  offset: number;
  bytes: number;
}

async function tornTails(db: KvsEngine): Promise<TornTailStat[]> {
  return (await db.stats()).tornTailsCut as unknown as TornTailStat[];
}

async function expectCorruption(p: Promise<unknown>, file: string, offset: number): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a CORRUPTION error').toBeDefined();
  expect(err).toMatchObject({ code: ErrorCodes.CORRUPTION, details: { file, offset } });
  expect((err as Error).message).toContain(file);
  expect((err as Error).message).toContain(`byte offset ${offset}`);
}

describe('torn tails', () => {
  const head: Op[] = [
    ['alpha', 'value-1'],
    ['bravo', 'value-2'],
    ['charlie', 'value-3'],
    ['delta', 'value-4'],
  ];
  const variants: { name: string; last: Op }[] = [
    { name: 'last record overwrites a key', last: ['bravo', 'the newer value of bravo'] },
    { name: 'last record adds a key', last: ['echo', 'value-5'] },
    { name: 'last record deletes a key', last: ['charlie', null] },
  ];

  for (const { name, last } of variants) {
    it(`torn tail at every byte offset of the last record (${name})`, async () => {
      const base = await buildStore([...head, last]);
      const end = fileSize(path.join(base, DATA));
      const lastStart = end - recordSize(last[0].length, last[1]?.length ?? 0);
      const before = modelOf(head);
      expect(modelOf([...head, last])).not.toEqual(before);

      for (let cut = lastStart; cut < end; cut++) {
        for (const keepHint of [false, true]) {
          const where = `cut at ${cut} of ${end}, hint ${keepHint ? 'kept' : 'removed'}`;
          const dir = copyStore(base);
          fs.truncateSync(path.join(dir, DATA), cut);
          if (keepHint) {
            // The hint (written after an fsync) says those bytes were durable: lost, not torn.
            await expectCorruption(open(dir), DATA, cut);
            expect(fileSize(path.join(dir, DATA)), where).toBe(cut);
            continue;
          }
          fs.rmSync(path.join(dir, HINT));

          const db = await open(dir);
          expect(await tornTails(db), where).toEqual(cut === lastStart ? [] : [{ file: DATA, offset: lastStart, bytes: cut - lastStart }]);
          expect(fileSize(path.join(dir, DATA)), where).toBe(lastStart);
          expect(await contents(db), where).toEqual(before);
          await db.set('zulu', 'written after recovery');
          await db.close();

          const again = await open(dir);
          expect(await tornTails(again), where).toEqual([]);
          expect(await contents(again), where).toEqual(sorted(new Map([...before, ['zulu', 'written after recovery']])));
          await again.close();
        }
      }
    });
  }

  it('torn tail inside a batch drops the whole batch', async () => {
    const dir0 = tempDir('batch');
    const db0 = await open(dir0);
    await db0.set('a', 'A');
    await db0.set('b', 'B');
    const batchStart = fileSize(path.join(dir0, DATA));
    await db0.batch([
      { type: 'set', key: 'x', value: 'X' },
      { type: 'set', key: 'b', value: 'B2' },
      { type: 'delete', key: 'a' },
    ]);
    await db0.close();
    const end = fileSize(path.join(dir0, DATA));
    const thirdStart = end - recordSize(1, 0);
    expect(thirdStart - batchStart).toBe(recordSize(1, 1) + recordSize(1, 2));

    const whole = copyStore(dir0);
    fs.rmSync(path.join(whole, HINT));
    const complete = await open(whole);
    expect(await contents(complete)).toEqual(new Map([['b', 'B2'], ['x', 'X']]));
    await complete.close();

    // Every cut that loses part of the batch, including cuts inside the third record and
    // the cut that leaves the first two records whole but the third missing entirely.
    for (let cut = batchStart + 1; cut < end; cut++) {
      const dir = copyStore(dir0);
      fs.truncateSync(path.join(dir, DATA), cut);
      fs.rmSync(path.join(dir, HINT));
      const db = await open(dir);
      const where = `cut at ${cut} (${cut >= thirdStart ? 'inside the 3rd record' : 'before the 3rd record'})`;
      expect(await contents(db), where).toEqual(new Map([['a', 'A'], ['b', 'B']]));
      expect(await tornTails(db), where).toEqual([{ file: DATA, offset: batchStart, bytes: cut - batchStart }]);
      expect(fileSize(path.join(dir, DATA)), where).toBe(batchStart);
      await db.close();
    }
  });

  it('read-only open ignores a torn tail without truncating the file', async () => {
    const ops: Op[] = [
      ['a', '1'],
      ['b', '2'],
      ['a', 'a newer value'],
    ];
    const dir = await buildStore(ops);
    const end = fileSize(path.join(dir, DATA));
    const lastStart = end - recordSize(1, 'a newer value'.length);
    const cut = lastStart + 20;
    fs.truncateSync(path.join(dir, DATA), cut);
    fs.rmSync(path.join(dir, HINT)); // a crash: the hint that close writes is not there

    const ro = await open(dir, {}, { readOnly: true });
    expect(await tornTails(ro)).toEqual([{ file: DATA, offset: lastStart, bytes: cut - lastStart }]);
    expect(await contents(ro)).toEqual(new Map([['a', '1'], ['b', '2']]));
    await expect(ro.set('c', '3')).rejects.toMatchObject({ code: ErrorCodes.READ_ONLY });
    await ro.close();
    expect(fileSize(path.join(dir, DATA))).toBe(cut);
    expect(fs.existsSync(path.join(dir, HINT))).toBe(false);

    const rw = await open(dir);
    expect(await tornTails(rw)).toEqual([{ file: DATA, offset: lastStart, bytes: cut - lastStart }]);
    expect(fileSize(path.join(dir, DATA))).toBe(lastStart);
    await rw.close();
  });

  it('zero-filled tail is treated as torn', async () => {
    const ops: Op[] = [
      ['a', '1'],
      ['b', '2'],
    ];
    const base = await buildStore(ops);
    const size = fileSize(path.join(base, DATA));
    for (const keepHint of [true, false]) {
      const dir = copyStore(base);
      fs.appendFileSync(path.join(dir, DATA), Buffer.alloc(100));
      if (!keepHint) fs.rmSync(path.join(dir, HINT));
      const db = await open(dir);
      expect(await tornTails(db)).toEqual([{ file: DATA, offset: size, bytes: 100 }]);
      expect(fileSize(path.join(dir, DATA))).toBe(size);
      expect(await contents(db)).toEqual(modelOf(ops));
      await db.set('c', '3');
      await db.close();
      const again = await open(dir);
      expect(await tornTails(again)).toEqual([]);
      expect(await contents(again)).toEqual(modelOf([...ops, ['c', '3']]));
      await again.close();
    }
  });
});

describe('corruption', () => {
  it('CRC mismatch in the middle of a file is corruption naming the file and offset', async () => {
    const ops: Op[] = ['a', 'b', 'c', 'd', 'e'].map((k) => [k, `value of ${k} padded out`]);
    const base = await buildStore(ops);
    const rec = recordSize(1, ops[0]![1]!.length);
    const offsetOfC = 2 * rec;
    flipByte(path.join(base, DATA), offsetOfC + 17 + 1 + 5); // inside c's value

    const noHint = copyStore(base);
    fs.rmSync(path.join(noHint, HINT));
    await expectCorruption(open(noHint), DATA, offsetOfC);
    await expectCorruption(open(noHint, {}, { readOnly: true }), DATA, offsetOfC);
    // A failed open leaves the directory unlocked and untouched.
    expect(fs.existsSync(path.join(noHint, 'LOCK'))).toBe(false);
    expect(fileSize(path.join(noHint, DATA))).toBe(5 * rec);

    const withHint = copyStore(base);
    const db = await open(withHint);
    await expectCorruption(db.get('c'), DATA, offsetOfC);
    for (const k of ['a', 'b', 'd', 'e']) expect((await db.get(k))?.toString()).toBe(`value of ${k} padded out`);
    expect(await db.has('c')).toBe(true);
    await db.close();
  });

  it('a damaged length field in the middle is corruption, not a torn tail: the records after it are not cut off', async () => {
    const ops: Op[] = ['a', 'b', 'c', 'd', 'e'].map((k) => [k, `value of ${k} padded out`]);
    const base = await buildStore(ops);
    const rec = recordSize(1, ops[0]![1]!.length);
    const dir = copyStore(base);
    fs.rmSync(path.join(dir, HINT));
    // b's valueSize now claims ~16 MiB: the record seems to run past the end of the file.
    const fd = fs.openSync(path.join(dir, DATA), 'r+');
    fs.writeSync(fd, Buffer.from([0x00, 0x00, 0x00, 0x01]), 0, 4, rec + 13);
    fs.closeSync(fd);
    await expectCorruption(open(dir), DATA, rec);
    expect(fileSize(path.join(dir, DATA))).toBe(5 * rec);
  });

  it('a failed open closes every file it opened', async () => {
    const ops: Op[] = ['a', 'b', 'c'].map((k) => [k, `value of ${k}`]);
    const dir = copyStore(await buildStore(ops));
    fs.rmSync(path.join(dir, HINT));
    flipByte(path.join(dir, DATA), 17 + 1 + 2); // inside a's value, with b and c valid after it
    const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (let i = 0; i < 20; i++) await expect(open(dir)).rejects.toMatchObject({ code: ErrorCodes.CORRUPTION });
    expect(openFds()).toBeLessThanOrEqual(before + 2);
  });
});

describe('hint fallback', () => {
  /** Several sealed files with overwrites and deletes, then a second session that adds a second chunk to the last file's hint. */
  async function multiFileStore(): Promise<{ dir: string; model: Map<string, string>; lastHintFirstChunk: number; lastDataFirstCover: number }> {
    const dir = tempDir('hints');
    const options = { maxFileSize: 1024, autoMerge: false };
    const ops: Op[] = [];
    for (let i = 0; i < 40; i++) ops.push([`key-${String(i).padStart(2, '0')}`, `first value ${i}`.padEnd(40, '.')]);
    for (let i = 0; i < 40; i += 3) ops.push([`key-${String(i).padStart(2, '0')}`, `second value ${i}`.padEnd(40, '.')]);
    for (let i = 1; i < 40; i += 7) ops.push([`key-${String(i).padStart(2, '0')}`, null]);
    let db = await open(dir, options);
    for (const [k, v] of ops) {
      if (v === null) await db.delete(k);
      else await db.set(k, v);
    }
    await db.close();
    const files = dataFiles(dir);
    const last = files.at(-1)!;
    const lastHint = path.join(dir, last.replace('.data', '.hint'));
    const lastHintFirstChunk = fileSize(lastHint);
    const lastDataFirstCover = fileSize(path.join(dir, last));

    const more: Op[] = [
      ['key-00', 'third value'],
      ['key-05', null],
    ];
    db = await open(dir, options);
    for (const [k, v] of more) {
      if (v === null) await db.delete(k);
      else await db.set(k, v);
    }
    await db.close();
    expect(dataFiles(dir)).toEqual(files); // no rotation: the last file's hint now has two chunks
    expect(fileSize(lastHint)).toBeGreaterThan(lastHintFirstChunk);
    expect(files.length).toBeGreaterThanOrEqual(4);
    return { dir, model: modelOf([...ops, ...more]), lastHintFirstChunk, lastDataFirstCover };
  }

  /** Loads `dir` read-only and reports how many data bytes had to be scanned. */
  function scannedBytes(dir: string): number {
    const result = loadStore(dir, false);
    for (const f of result.table.files) f.close();
    return result.bytesScanned;
  }

  /** Reads `dir` writable (rewriting hints), then checks a read-only open finds every file hinted. */
  async function expectRecoversAndRewritesHints(dir: string, model: Map<string, string>, what: string): Promise<void> {
    const db = await open(dir, { maxFileSize: 1024, autoMerge: false });
    expect(await contents(db), what).toEqual(model);
    await db.close();
    for (const data of dataFiles(dir)) expect(fs.existsSync(path.join(dir, data.replace('.data', '.hint'))), `${what}: hint of ${data}`).toBe(true);
    expect(scannedBytes(dir), what).toBe(0);
    const ro = await open(dir, {}, { readOnly: true });
    const files = (await ro.stats()).files as { file: string; hinted: boolean }[];
    expect(files.every((f) => f.hinted), `${what}: ${JSON.stringify(files)}`).toBe(true);
    expect(await contents(ro), what).toEqual(model);
    await ro.close();
  }

  it('hint file missing falls back to the data file', async () => {
    const { dir: base, model } = await multiFileStore();
    expect(scannedBytes(base)).toBe(0);
    for (const data of dataFiles(base)) {
      const dir = copyStore(base);
      fs.rmSync(path.join(dir, data.replace('.data', '.hint')));
      expect(scannedBytes(dir), data).toBe(fileSize(path.join(dir, data)));
      await expectRecoversAndRewritesHints(dir, model, `without the hint of ${data}`);
    }
  });

  it('hint file corrupt (flipped byte) falls back', async () => {
    const { dir: base, model } = await multiFileStore();
    for (const data of dataFiles(base)) {
      const dir = copyStore(base);
      const hint = path.join(dir, data.replace('.data', '.hint'));
      fs.rmSync(path.join(dir, 'keydir.image')); // the image would stand in for the hint: test the hint alone
      flipByte(hint, 30); // inside the first chunk's first entry
      expect(scannedBytes(dir), data).toBe(fileSize(path.join(dir, data)));
      await expectRecoversAndRewritesHints(dir, model, `with a flipped byte in the hint of ${data}`);
    }
    // Every byte of a chunk header (magic, entry count, body size, coverage, crc): no field is trusted.
    const target = dataFiles(base)[1]!;
    for (let at = 0; at < 20; at++) {
      const dir = copyStore(base);
      fs.rmSync(path.join(dir, 'keydir.image'));
      flipByte(path.join(dir, target.replace('.data', '.hint')), at);
      expect(scannedBytes(dir), `header byte ${at}`).toBe(fileSize(path.join(dir, target)));
      await expectRecoversAndRewritesHints(dir, model, `with header byte ${at} flipped in the hint of ${target}`);
    }
  });

  it('hint file truncated mid-chunk falls back to scanning the rest', async () => {
    const { dir: base, model, lastHintFirstChunk, lastDataFirstCover } = await multiFileStore();
    const files = dataFiles(base);
    const last = files.at(-1)!;

    // Second chunk torn: the first chunk still counts, only the bytes after it are scanned.
    const second = copyStore(base);
    fs.truncateSync(path.join(second, last.replace('.data', '.hint')), lastHintFirstChunk + 10);
    expect(scannedBytes(second)).toBe(fileSize(path.join(second, last)) - lastDataFirstCover);
    await expectRecoversAndRewritesHints(second, model, 'second chunk torn');

    // Only chunk torn (a sealed file): the whole data file is scanned.
    const sealed = files[1]!;
    const first = copyStore(base);
    const hint = path.join(first, sealed.replace('.data', '.hint'));
    fs.truncateSync(hint, Math.floor(fileSize(hint) / 2));
    expect(scannedBytes(first)).toBe(fileSize(path.join(first, sealed)));
    await expectRecoversAndRewritesHints(first, model, 'only chunk torn');
  });
});
