/**
 * The options of SET and GETEX, checked in Redis 7's order: a conflicting or incomplete option is
 * `-ERR syntax error` while parsing; then an expiry's value must be an integer
 * (`value is not an integer or out of range`) and positive (`invalid expire time in 'set'
 * command`). Only then does kvs refuse a valid expiry: no engine expires keys. KEEPTTL is
 * accepted (nothing expires, so keeping the TTL is what always happens).
 */
import { ReplyError } from '../resp-writer.js';
import { ERR_SYNTAX, parseI64, word, ERR_NOT_INTEGER } from './args.js';

export interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  /** The expiry option given (EX, PX, EXAT, PXAT), with its value. */
  expire: { option: string; value: Buffer } | undefined;
}

const EXPIRES = ['ex', 'px', 'exat', 'pxat'];

/** Parses args[from...] as the options of `command` ('set' or 'getex'); throws ReplyError as Redis would. */
export function parseSetOptions(args: readonly Buffer[], from: number, command: 'set' | 'getex'): SetOptions {
  const o: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false, expire: undefined };
  for (let i = from; i < args.length; i++) {
    const option = word(args[i]!);
    const next = args[i + 1];
    if (command === 'set' && option === 'nx' && !o.xx) o.nx = true;
    else if (command === 'set' && option === 'xx' && !o.nx) o.xx = true;
    else if (command === 'set' && option === 'get') o.get = true;
    else if (command === 'set' && option === 'keepttl' && !o.persist && o.expire === undefined) o.keepTtl = true;
    else if (command === 'getex' && option === 'persist' && !o.keepTtl && o.expire === undefined) o.persist = true;
    else if (EXPIRES.includes(option) && !o.keepTtl && !o.persist && (o.expire === undefined || o.expire.option === option) && next !== undefined) {
      o.expire = { option, value: next };
      i++;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (o.expire !== undefined) {
    const n = parseI64(o.expire.value);
    if (n === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    const seconds = o.expire.option === 'ex' || o.expire.option === 'exat';
    if (n <= 0n || (seconds && n > 9223372036854775807n / 1000n)) throw new ReplyError(`ERR invalid expire time in '${command}' command`);
  }
  return o;
}

/** The refusal of a valid expiry option: keys do not expire in kvs. */
export function expiryNotSupported(command: string, option: string): ReplyError {
  return new ReplyError(`ERR ${command.toUpperCase()} ${option.toUpperCase()} is not supported: kvs keys do not expire (no engine supports expiry yet); ${command === 'set' ? 'set the key without it' : 'use GETEX without options, or GET'}`);
}
