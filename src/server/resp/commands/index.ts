/** The command table of the RESP server: every family in one place. COMMAND reports it as is. */
import { CommandTable } from './command-table.js';
import { connectionCommands } from './connection-commands.js';
import { keyCommands } from './keys.js';
import { kvsCommands } from './kvs.js';
import { serverCommands } from './server-commands.js';
import { stringCommands } from './strings.js';

export function buildCommandTable(): CommandTable {
  return new CommandTable([...connectionCommands, ...stringCommands, ...keyCommands, ...serverCommands, ...kvsCommands]);
}
