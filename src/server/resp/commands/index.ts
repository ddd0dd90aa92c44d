/** The command table of the RESP server: every family in one place. COMMAND reports it as is. */
import { CommandTable } from './command-table.js';
import { bitCommands } from './bits.js';
import { connectionCommands } from './connection-commands.js';
import { keyMoveCommands } from './key-moves.js';
import { keyCommands } from './keys.js';
import { kvsCommands } from './kvs.js';
import { serverCommands } from './server-commands.js';
import { stringExtraCommands } from './string-extras.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';

export function buildCommandTable(): CommandTable {
  return new CommandTable([...connectionCommands, ...stringCommands, ...stringExtraCommands, ...bitCommands, ...keyCommands, ...keyMoveCommands, ...serverCommands, ...kvsCommands, ...transactionCommands]);
}
