/**
 * Error replies from a server, turned into KvsErrors a person can act on: a missing or wrong
 * password says which setting to fix, an unknown command says the server may not be a kvs
 * server, and an error whose class is one of our codes keeps that code.
 */
import { ErrorCodes, KvsError, type ErrorCode } from '../engine/errors.js';
import type { ServerAddress } from './address.js';
import type { ErrorReply, Reply } from './resp-reply-parser.js';

const OUR_CODES = new Set<string>(Object.values(ErrorCodes));

/** The KvsError for an error reply to `command`. */
export function serverError(address: ServerAddress, command: string, reply: ErrorReply): KvsError {
  const at = address.label;
  const details = { addr: at, command, reply: reply.message };
  if (reply.code === 'NOAUTH') {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `the kvs server at ${at} requires a password: set KVS_PASSWORD (or pass --password)`, { details });
  }
  if (reply.code === 'WRONGPASS' || /^ERR invalid (username-)?password/i.test(reply.message)) {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `the kvs server at ${at} refused the password (${reply.message}); check KVS_PASSWORD / --password`, { details });
  }
  if (command === 'AUTH' && /without any password configured|no password is set/i.test(reply.message)) {
    return new KvsError(ErrorCodes.INVALID_ARGUMENT, `a password was given but the kvs server at ${at} has none; unset KVS_PASSWORD / --password`, { details });
  }
  if (/^ERR unknown command/i.test(reply.message)) {
    return new KvsError(ErrorCodes.UNSUPPORTED, `the server at ${at} does not know ${command} (${reply.message}); is it a kvs server? Plain Redis servers lack the KVS.* commands`, { details });
  }
  const code: ErrorCode = OUR_CODES.has(reply.code) ? (reply.code as ErrorCode) : ErrorCodes.IO_ERROR;
  return new KvsError(code, `the server at ${at} refused ${command}: ${reply.message}`, { details });
}

/** The KvsError for a reply of the wrong shape (a server speaking something else, or a bug). */
export function unexpectedReply(address: ServerAddress, command: string, expected: string, reply: Reply): KvsError {
  return new KvsError(ErrorCodes.IO_ERROR, `the server at ${address.label} answered ${command} with ${describe(reply)}, expected ${expected}; is it a kvs server?`, {
    details: { addr: address.label, command },
  });
}

function describe(reply: Reply): string {
  if (reply === null) return 'null';
  if (Buffer.isBuffer(reply)) return `a bulk string of ${reply.length} bytes`;
  if (Array.isArray(reply)) return `an array of ${reply.length}`;
  if (typeof reply === 'number') return `the integer ${reply}`;
  if (typeof reply === 'string') return `the status ${JSON.stringify(reply.slice(0, 40))}`;
  return `the error ${JSON.stringify(reply.message.slice(0, 80))}`;
}
