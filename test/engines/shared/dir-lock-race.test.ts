/**
 * The directory lock under a real race (slow): CONTENDERS writer processes, already started and
 * waiting, are told to open one directory at the same instant, round after round. Each round must
 * have exactly one winner; the winner writes with sync 'always', then is SIGKILLed while it holds
 * the lock (so the next round races to take over a stale lock), or is killed in the middle of its
 * writes, or closes cleanly. At the end every acknowledged write is in the store, and `verify()`
 * finds nothing damaged. On main before this lock, bitcask let two writers in about 2 races in
 * 250 (losing acknowledged writes) and lsm about 1 in 440 (after which the store did not open).
 * KVS_LOCK_RACE_ROUNDS sets the rounds per engine (default 45).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/index.js';
import { distIsBuilt, DIST_INDEX } from '../../support/crash-writer.js';
import { tempStoreDir } from '../../support/temp-store-dir.js';
import { LineProcess } from '../../cli/line-process.js';

const CONTENDERS = 8;
const WRITES = 3;
const ROUNDS = Number(process.env.KVS_LOCK_RACE_ROUNDS ?? 45);
const CONTENDER = path.join(import.meta.dirname, 'fixtures', 'lock-contender.mjs');

function contender(engine: string, dir: string): LineProcess {
  return new LineProcess(process.execPath, [CONTENDER, DIST_INDEX.href, engine, dir, String(WRITES)]);
}

type Ending = 'kill-holding' | 'kill-writing' | 'release';
const ENDINGS: Ending[] = ['kill-holding', 'release', 'kill-writing'];

describe.runIf(distIsBuilt()).each(['bitcask', 'lsm'])('%s: writers racing for the lock', (engine) => {
  it(`${ROUNDS} rounds of ${CONTENDERS} processes opening at once: one winner each round, no acknowledged write lost`, { timeout: 600_000 }, async () => {
    const dir = tempStoreDir(`lock-race-${engine}`);
    const seed = await openStore({ engine, dir }); // the store exists; every round races for its lock
    await seed.close();
    const acked = new Map<string, string>();
    let pool: LineProcess[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const fresh = Array.from({ length: CONTENDERS - pool.length }, () => contender(engine, dir));
        for (const p of fresh) expect(await p.line(/^ready$/), `a contender did not start: ${p.stderr}`).toBe('ready');
        pool.push(...fresh);
        for (const p of pool) p.send(`go ${round}`); // as close to one instant as the parent can
        const ending = ENDINGS[round % ENDINGS.length]!;
        const outcome = await Promise.all(
          pool.map(async (p) => {
            const result = await p.line(new RegExp(`^(refused|won) ${round}\\b`));
            if (result === undefined) throw new Error(`contender ${p.pid} died in round ${round}: ${p.stderr}`);
            return { p, result };
          }),
        );
        const winners = outcome.filter((o) => o.result.startsWith('won'));
        const refusals = outcome.filter((o) => o.result.startsWith('refused')).map((o) => o.result.split(' ')[2]);
        expect(winners.map((w) => w.p.pid), `round ${round}: winners`).toHaveLength(1);
        expect(new Set(refusals), `round ${round}: why the others were refused`).toEqual(new Set(refusals.length === 0 ? [] : ['LOCKED']));
        const winner = winners[0]!.p;
        if (ending === 'kill-writing') {
          await winner.line(new RegExp(`^ack ${round} 0$`));
          await winner.kill();
        } else {
          await winner.line(new RegExp(`^holding ${round}$`));
          if (ending === 'kill-holding') await winner.kill();
          else {
            winner.send(`release ${round}`);
            await winner.line(new RegExp(`^released ${round}$`));
          }
        }
        for (const line of winner.lines) {
          const ack = /^ack (\d+) (\d+)$/.exec(line);
          if (ack !== null && Number(ack[1]) === round) acked.set(`r${round}-${ack[2]}`, `value of round ${round}, write ${ack[2]}`);
        }
        pool = pool.filter((p) => !p.done); // losers and a released winner race again
      }
    } finally {
      await Promise.all(pool.map((p) => p.kill()));
    }
    expect(acked.size).toBeGreaterThanOrEqual(ROUNDS);
    const db = await openStore({ engine, dir });
    try {
      const missing: string[] = [];
      for (const [key, value] of acked) if ((await db.get(key))?.toString() !== value) missing.push(key);
      expect(missing, 'acknowledged writes lost or wrong').toEqual([]);
      const report = await db.verify();
      expect(report.problems).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
