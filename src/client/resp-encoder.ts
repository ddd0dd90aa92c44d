/**
 * Encodes a command as a RESP2 multibulk request, the form every Redis-protocol server accepts
 * and the only one that is binary-safe:
 *
 *   request  = "*" count CRLF *( "$" length CRLF bytes CRLF )
 *   count    = decimal number of arguments (at least 1)
 *   length   = decimal byte length of the argument that follows
 *
 * e.g. SET k v -> "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n". Stateless; safe to share.
 */
import { toBuffer } from '../util/bytes.js';

/** One argument: a string is sent as UTF-8, bytes as they are. */
export type CommandArg = string | Uint8Array;

const CRLF = Buffer.from('\r\n');

/** The request bytes of `args` (command name first). REQUIRES: args is non-empty. */
export function encodeCommand(args: readonly CommandArg[]): Buffer {
  if (args.length === 0) throw new RangeError('a command needs at least its name');
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = toBuffer(arg);
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, CRLF);
  }
  return Buffer.concat(parts);
}
