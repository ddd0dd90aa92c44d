/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of two
 * values, as Redis 7 computes it (the same dynamic program and the same walk back from the ends,
 * so ties resolve alike and IDX lists matches from the last to the first). Missing keys are empty.
 * The table costs 4 bytes per pair of positions; past MAX_CELLS the command is refused rather
 * than holding the event loop (and memory) for long.
 */
import { ReplyError } from '../resp-writer.js';
import { ERR_SYNTAX, intArg, word } from './args.js';
import type { CommandContext } from './command-table.js';
import { readValue } from './keyspace.js';

/** 16 Mi cells: a 64 MiB table, tens of milliseconds of work at most. */
const MAX_CELLS = 16 * 1024 * 1024;

interface Match {
  a: [number, number];
  b: [number, number];
  len: number;
}

export async function lcs(ctx: CommandContext, args: Buffer[]): Promise<void> {
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let i = 3; i < args.length; i++) {
    const option = word(args[i]!);
    if (option === 'idx') getIdx = true;
    else if (option === 'len') getLen = true;
    else if (option === 'withmatchlen') withMatchLen = true;
    else if (option === 'minmatchlen' && i + 1 < args.length) minMatchLen = Math.max(0, intArg(args[++i]!));
    else throw new ReplyError(ERR_SYNTAX);
  }
  if (getLen && getIdx) throw new ReplyError('ERR If you want both the length and indexes, please just use IDX.');
  const a = (await readValue(ctx, args[1]!)) ?? Buffer.alloc(0);
  const b = (await readValue(ctx, args[2]!)) ?? Buffer.alloc(0);
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    throw new ReplyError(`ERR LCS of values of ${a.length} and ${b.length} bytes needs ${(a.length + 1) * (b.length + 1)} table cells; kvs allows ${MAX_CELLS}`);
  }
  const { length, text, matches } = compute(a, b, minMatchLen);
  const out = ctx.out;
  if (getLen) return out.integer(length);
  if (!getIdx) return out.bulk(text);
  out.array(4);
  out.bulk('matches');
  out.array(matches.length);
  for (const m of matches) {
    out.array(withMatchLen ? 3 : 2);
    out.array(2);
    out.integer(m.a[0]);
    out.integer(m.a[1]);
    out.array(2);
    out.integer(m.b[0]);
    out.integer(m.b[1]);
    if (withMatchLen) out.integer(m.len);
  }
  out.bulk('len');
  out.integer(length);
}

function compute(a: Buffer, b: Buffer, minMatchLen: number): { length: number; text: Buffer; matches: Match[] } {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const at = i * width + j;
      if (a[i - 1] === b[j - 1]) table[at] = table[at - width - 1]! + 1;
      else table[at] = Math.max(table[at - width]!, table[at - 1]!);
    }
  }
  const length = table[a.length * width + b.length]!;
  const text = Buffer.alloc(length);
  const matches: Match[] = [];
  let run: Match | undefined; // the range being extended backwards
  const emit = (): void => {
    if (run !== undefined && run.len >= minMatchLen) matches.push(run);
    run = undefined;
  };
  let i = a.length;
  let j = b.length;
  let k = length;
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      text[--k] = a[i - 1]!;
      if (run !== undefined && run.a[0] === i && run.b[0] === j) {
        run.a[0]--;
        run.b[0]--;
        run.len++;
      } else {
        emit();
        run = { a: [i - 1, i - 1], b: [j - 1, j - 1], len: 1 };
      }
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      emit();
    }
  }
  emit();
  return { length, text, matches };
}
