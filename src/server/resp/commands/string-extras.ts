/**
 * GETEX (without expiry options: nothing expires in kvs) and LCS, the string commands clients
 * reach for after the basic ones (issue 14). LCS itself is in lcs.ts.
 */
import type { CommandSpec } from './command-table.js';
import { readValue } from './keyspace.js';
import { lcs } from './lcs.js';
import { expiryNotSupported, parseSetOptions } from './set-options.js';

export const stringExtraCommands: CommandSpec[] = [
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    category: '@string',
    summary: 'Get the value of a key (EX, PX, EXAT, PXAT, PERSIST are refused: keys do not expire)',
    handler: async (ctx, args) => {
      const { expire, persist } = parseSetOptions(args, 2, 'getex');
      if (expire !== undefined) throw expiryNotSupported('getex', expire.option);
      if (persist) throw expiryNotSupported('getex', 'persist');
      ctx.out.bulk(await readValue(ctx, args[1]!));
    },
  },
  { name: 'lcs', arity: -3, flags: ['readonly'], keys: [1, 2, 1], category: '@string', summary: 'Longest common subsequence of two values (LEN, IDX, MINMATCHLEN, WITHMATCHLEN)', handler: lcs },
];
