/**
 * The lock race through the CLI (slow): kvs processes held at a start barrier (fixtures:
 * start-barrier.mjs) are released at the same instant. `kvs shell` contenders keep the store
 * open, so each round must have exactly one winner, which is then SIGKILLed (leaving a stale lock
 * for the next round to take over) or ends cleanly; `kvs set` contenders with --lock-timeout 0
 * each succeed or are refused with LOCKED. Every acknowledged write is there at the end, on bitcask
 * and lsm. KVS_LOCK_RACE_ROUNDS sets the shell rounds per engine (default 6).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineProcess } from './line-process.js';
import { BIN, kvs, removeTempDirs, ROOT, tempDir } from './run-kvs.js';

afterAll(removeTempDirs);

const BARRIER = path.join(ROOT, 'test', 'engines', 'shared', 'fixtures', 'start-barrier.mjs');
const ROUNDS = Number(process.env.KVS_LOCK_RACE_ROUNDS ?? 6);
const SHELLS = 5;
const SETTERS = 8;

/** `kvs ...args` held at the barrier until `release`. */
function atBarrier(cwd: string, args: string[]): LineProcess {
  return new LineProcess(process.execPath, ['--import', BARRIER, BIN, ...args], { cwd });
}

async function release(contenders: LineProcess[]): Promise<void> {
  for (const c of contenders) expect(await c.until(() => (c.stderr.includes('barrier: ready') ? true : undefined)), c.stderr).toBe(true);
  for (const c of contenders) c.child.kill('SIGUSR2');
}

describe.each(['bitcask', 'lsm'])('%s: kvs processes racing for the lock', (engine) => {
  it(`${ROUNDS} rounds of ${SHELLS} \`kvs shell\` started at once: one winner each round, no acknowledged write lost`, { timeout: 600_000 }, async () => {
    const cwd = tempDir();
    expect((await kvs(['set', 'seed', '1', '--dir', 'data', '--engine', engine], { cwd })).code).toBe(0);
    const acked = new Map<string, string>();
    for (let round = 1; round <= ROUNDS; round++) {
      const shells = Array.from({ length: SHELLS }, () => atBarrier(cwd, ['shell', '--dir', 'data', '--lock-timeout', '0']));
      await release(shells);
      // Every shell gets the same script; only the one that opened the store can answer it.
      for (const s of shells) for (let i = 0; i < 3; i++) s.send(`set r${round}-${i} "round ${round} write ${i}"\nget r${round}-${i}`);
      const outcome = await Promise.all(
        shells.map(async (s) => {
          const answered = await s.until(() => (s.lines.includes(`round ${round} write 0`) ? 'won' : undefined));
          return answered ?? ((await s.exited) === 1 && /is in use by process \d+/.test(s.stderr) ? 'refused' : `failed: ${s.stderr}`);
        }),
      );
      expect(outcome.filter((o) => o !== 'won' && o !== 'refused'), `round ${round}`).toEqual([]);
      expect(outcome.filter((o) => o === 'won'), `round ${round}: winners`).toHaveLength(1);
      const winner = shells[outcome.indexOf('won')]!;
      await winner.until(() => (winner.lines.includes(`round ${round} write 2`) ? true : undefined));
      if (round % 2 === 0) await winner.kill();
      else {
        winner.child.stdin!.end();
        expect(await winner.exited).toBe(0);
      }
      for (let i = 0; i < 3; i++) if (winner.lines.includes(`round ${round} write ${i}`)) acked.set(`r${round}-${i}`, `round ${round} write ${i}`);
    }
    expect(acked.size).toBe(3 * ROUNDS);
    const listed = await kvs(['ls', '--values', '--prefix', 'r', '--json', '--dir', 'data'], { cwd });
    const stored = new Map((JSON.parse(listed.out) as { key: string; value: string }[]).map((e) => [e.key, e.value]));
    expect([...acked].filter(([k, v]) => stored.get(k) !== v)).toEqual([]);
    expect((await kvs(['check', '--dir', 'data'], { cwd })).code).toBe(0);
  });

  it(`${SETTERS} \`kvs set --lock-timeout 0\` started at once, over a stale lock: each succeeds or is LOCKED, and every success is stored`, { timeout: 300_000 }, async () => {
    const cwd = tempDir();
    expect((await kvs(['set', 'seed', '1', '--dir', 'data', '--engine', engine], { cwd })).code).toBe(0);
    for (let round = 1; round <= 3; round++) {
      // A holder killed while it holds the lock: the setters race to take over its stale lock.
      const stale = atBarrier(cwd, ['shell', '--dir', 'data']);
      await release([stale]);
      stale.send('get seed');
      expect(await stale.line(/^1$/)).toBe('1');
      await stale.kill();
      expect(fs.existsSync(path.join(cwd, 'data', 'LOCK', 'held'))).toBe(true);

      const setters = Array.from({ length: SETTERS }, (_, i) => atBarrier(cwd, ['set', `s${round}-${i}`, `v${i}`, '--dir', 'data', '--lock-timeout', '0']));
      await release(setters);
      const codes = await Promise.all(setters.map((s) => s.exited));
      setters.forEach((s, i) => {
        const stderr = s.stderr.replace('barrier: ready\n', '');
        if (codes[i] === 0) expect(stderr).toBe('');
        else expect({ code: codes[i], locked: /^Error: .* is in use by process \d+/.test(stderr) }, stderr).toEqual({ code: 1, locked: true });
      });
      expect(codes.filter((c) => c === 0).length, `round ${round}: someone must win`).toBeGreaterThan(0);
      for (const [i, code] of codes.entries()) {
        if (code === 0) expect((await kvs(['get', `s${round}-${i}`, '--dir', 'data'], { cwd })).out).toBe(`v${i}`);
      }
    }
    expect((await kvs(['check', '--dir', 'data'], { cwd })).code).toBe(0);
  });
});
