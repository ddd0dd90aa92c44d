/**
 * What `kvs ls` does once its input is parsed: list keys (and values) in byte order, streamed.
 * On a terminal, bytes that are not printable text are escaped; piped, they are written raw.
 */
import type { DataScanOptions } from '../../client/data-store.js';
import { escapeForTerminal } from '../format.js';
import { BufferedOutput, entryJson } from '../output.js';
import { withStore, type StoreFlags } from '../store-access.js';
import type { CommandInput } from './command-input.js';

export interface LsFlags extends StoreFlags {
  prefix?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  limit?: number | undefined;
  reverse: boolean;
  values: boolean;
  json: boolean;
}

export async function ls({ flags, explicit }: CommandInput<Record<string, never>, LsFlags>): Promise<void> {
  const scan: DataScanOptions = { reverse: flags.reverse, keysOnly: !flags.values };
  if (flags.prefix !== undefined) scan.prefix = flags.prefix;
  if (flags.start !== undefined) scan.gte = flags.start;
  if (flags.end !== undefined) scan.lt = flags.end;
  if (flags.limit !== undefined) scan.limit = flags.limit;
  const line = process.stdout.isTTY === true ? terminalLine : rawLine;
  const out = new BufferedOutput();
  await withStore({ command: 'ls', flags, explicit, readOnly: true, remote: true }, async (store) => {
    let first = true;
    if (flags.json) await out.write('[');
    for await (const [key, value] of store.scan(scan)) {
      if (flags.json) await out.write(`${first ? '\n' : ',\n'}${JSON.stringify(entryJson(key, flags.values ? value : undefined))}`);
      else await out.write(line(key, flags.values ? value : undefined));
      first = false;
    }
    if (flags.json) await out.write(first ? ']\n' : '\n]\n');
  });
  await out.flush();
}

const TAB = Buffer.from('\t');
const NEWLINE = Buffer.from('\n');

/** `key<TAB>value<NEWLINE>` (or `key<NEWLINE>`) byte for byte: what a pipe gets. */
function rawLine(key: Buffer, value: Buffer | undefined): Buffer {
  return value === undefined ? Buffer.concat([key, NEWLINE]) : Buffer.concat([key, TAB, value, NEWLINE]);
}

/** The same line for a person: a tab or newline inside a key or value cannot be mistaken for the separators. */
function terminalLine(key: Buffer, value: Buffer | undefined): string {
  return value === undefined ? `${escapeForTerminal(key)}\n` : `${escapeForTerminal(key)}\t${escapeForTerminal(value)}\n`;
}
