/**
 * Connection commands: PING, ECHO, QUIT, AUTH, HELLO (protocol 2 only), SELECT (database 0
 * only) and CLIENT (ID, SETNAME, GETNAME, SETINFO, INFO, LIST). The auth model is Redis's
 * `requirepass`: one password for the `default` user; until it is given only AUTH, HELLO and
 * QUIT run.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ReplyError } from '../resp-writer.js';
import { arityError, ERR_SYNTAX, parseI64, word } from './args.js';
import type { ClientState, CommandContext, CommandHandler, CommandSpec } from './command-table.js';

export const REDIS_COMPAT_VERSION = '7.0.0';
const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function spec(name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys: [0, 0, 0], category: '@connection', summary, handler };
}

function digest(bytes: Buffer | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Checks a username and password; true iff they authenticate the client (which is then marked). */
function authenticate(ctx: CommandContext, user: Buffer | undefined, password: Buffer): boolean {
  const required = ctx.server.requirepass;
  const userOk = user === undefined || user.toString('utf8') === 'default';
  // Comparing digests keeps the time independent of where the password differs.
  const ok = userOk && (required === undefined || timingSafeEqual(digest(password), digest(required)));
  if (ok) ctx.client.authenticated = true;
  return ok;
}

/** Client names are printable ASCII without spaces, as in Redis. */
function checkName(name: Buffer): string {
  for (const byte of name) {
    if (byte < 0x21 || byte > 0x7e) throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
  }
  return name.toString('latin1');
}

/** One line of CLIENT LIST / CLIENT INFO. */
function describeClient(client: ClientState, now: number): string {
  const age = Math.floor((now - client.connectedAt) / 1000);
  return `id=${client.id} addr=${client.addr} name=${client.name ?? ''} age=${age} db=0 cmd=${client.lastCommand} lib-name=${client.libName ?? ''} lib-ver=${client.libVersion ?? ''}\n`;
}

async function hello(ctx: CommandContext, args: Buffer[]): Promise<void> {
  let name: string | undefined;
  let auth: [Buffer, Buffer] | undefined;
  if (args.length > 1) {
    const version = parseI64(args[1]!);
    if (version === undefined) throw new ReplyError('ERR Protocol version is not an integer or out of range');
    if (version !== 2n) throw new ReplyError('NOPROTO unsupported protocol version');
    for (let i = 2; i < args.length; i++) {
      const option = word(args[i]!);
      if (option === 'auth' && i + 2 < args.length) {
        auth = [args[i + 1]!, args[i + 2]!];
        i += 2;
      } else if (option === 'setname' && i + 1 < args.length) {
        name = checkName(args[++i]!);
      } else {
        throw new ReplyError(`ERR Syntax error in HELLO option '${args[i]!.toString('utf8').slice(0, 64)}'`);
      }
    }
  }
  if (auth !== undefined && !authenticate(ctx, auth[0], auth[1])) throw new ReplyError(ERR_WRONGPASS);
  if (!ctx.client.authenticated) {
    throw new ReplyError('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  }
  if (name !== undefined) ctx.client.name = name;
  const out = ctx.out;
  out.array(14);
  out.bulk('server');
  out.bulk('kvs');
  out.bulk('version');
  out.bulk(REDIS_COMPAT_VERSION);
  out.bulk('proto');
  out.integer(2);
  out.bulk('id');
  out.integer(ctx.client.id);
  out.bulk('mode');
  out.bulk('standalone');
  out.bulk('role');
  out.bulk('master');
  out.bulk('modules');
  out.array(0);
}

async function client(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const sub = word(args[1]!);
  const c = ctx.client;
  const expect = (n: number): void => {
    if (args.length !== n) throw arityError(`client|${sub}`);
  };
  switch (sub) {
    case 'id':
      expect(2);
      return ctx.out.integer(c.id);
    case 'setname':
      expect(3);
      c.name = args[2]!.length === 0 ? undefined : checkName(args[2]!);
      return ctx.out.simple('OK');
    case 'getname':
      expect(2);
      return ctx.out.bulk(c.name);
    case 'setinfo': {
      expect(4);
      const attr = word(args[2]!);
      const value = checkName(args[3]!);
      if (attr === 'lib-name') c.libName = value;
      else if (attr === 'lib-ver') c.libVersion = value;
      else throw new ReplyError(`ERR Unrecognized option '${args[2]!.toString('utf8').slice(0, 64)}'`);
      return ctx.out.simple('OK');
    }
    case 'info':
      expect(2);
      return ctx.out.bulk(describeClient(c, Date.now()));
    case 'list': {
      const now = Date.now();
      return ctx.out.bulk([...ctx.server.clients()].map((each) => describeClient(each, now)).join(''));
    }
    default:
      throw new ReplyError(`ERR unknown subcommand '${args[1]!.toString('utf8').slice(0, 64)}'. Try CLIENT HELP.`);
  }
}

export const connectionCommands: CommandSpec[] = [
  spec('ping', -1, ['fast', 'stale'], 'PONG, or the message given', (ctx, args) => {
    if (args.length > 2) throw arityError('ping');
    if (args.length === 2) ctx.out.bulk(args[1]);
    else ctx.out.simple('PONG');
  }),
  spec('echo', 2, ['fast'], 'The message given', (ctx, args) => ctx.out.bulk(args[1])),
  spec('quit', -1, ['noauth', 'fast'], 'Close the connection after replying OK', (ctx) => {
    ctx.client.closeAfterReply = true;
    ctx.out.simple('OK');
  }),
  spec('auth', -2, ['noauth', 'fast'], 'Authenticate with the server password (AUTH [default] password)', (ctx, args) => {
    if (args.length > 3) throw new ReplyError(ERR_SYNTAX);
    const user = args.length === 3 ? args[1] : undefined;
    if (ctx.server.requirepass === undefined && user === undefined) {
      throw new ReplyError('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    }
    if (!authenticate(ctx, user, args[args.length - 1]!)) throw new ReplyError(ERR_WRONGPASS);
    ctx.out.simple('OK');
  }),
  spec('hello', -1, ['noauth', 'fast'], 'Handshake: protocol version 2 only, optional AUTH and SETNAME', hello),
  spec('select', 2, ['fast'], 'Select database 0 (the only one)', (ctx, args) => {
    const index = parseI64(args[1]!);
    if (index === undefined) throw new ReplyError('ERR value is not an integer or out of range');
    if (index !== 0n) throw new ReplyError('ERR DB index is out of range');
    ctx.out.simple('OK');
  }),
  spec('client', -2, [], 'CLIENT ID | SETNAME name | GETNAME | SETINFO attr value | INFO | LIST', client),
];
