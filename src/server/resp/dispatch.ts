/**
 * One request, from its arguments to its reply: look the command up, refuse it (unknown, not
 * authenticated, wrong arity) or queue it (inside MULTI), else run its handler. Counts what INFO
 * reports (commandstats, errorstats, total_error_replies). Used by the connection for each
 * request and by EXEC for each queued command.
 */
import { isKvsError } from '../../engine/errors.js';
import { arityError, unknownCommandError, word } from './commands/args.js';
import { arityOk, type CommandContext, type CommandSpec } from './commands/command-table.js';
import { ReplyError } from './resp-writer.js';

/** Commands that run at once inside MULTI instead of being queued (as in Redis). */
const RUN_IN_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit']);

/**
 * Commands that read or write the whole keyspace: a transaction sees only the keys its
 * commands name (it locks those), so these are refused inside MULTI.
 */
const KEYSPACE_WIDE = new Set(['keys', 'scan', 'dbsize', 'flushdb', 'flushall', 'randomkey', 'kvs.range', 'kvs.count', 'kvs.compact', 'kvs.stats']);

export async function dispatch(ctx: CommandContext, args: Buffer[]): Promise<void> {
  const { server, client } = ctx;
  const name = word(args[0]!);
  const command = server.commands.find(name);
  server.counters.commandsProcessed++;
  client.lastCommand = name.slice(0, 64);
  if (command === undefined) return refuse(ctx, undefined, unknownCommandError(args[0]!, args.slice(1)).message);
  if (!client.authenticated && !command.flags.includes('noauth')) return refuse(ctx, command, 'NOAUTH Authentication required.');
  if (!arityOk(command.arity, args.length)) return refuse(ctx, command, arityError(command.name).message);
  const tx = client.tx;
  if (tx !== undefined && !RUN_IN_MULTI.has(command.name)) {
    if (KEYSPACE_WIDE.has(command.name)) {
      return refuse(ctx, command, `ERR ${command.name.toUpperCase()} is not supported inside MULTI: a kvs transaction sees only the keys its commands name; run it outside the transaction`);
    }
    tx.queued.push([command, args]);
    for (const arg of args) tx.bytes += arg.length;
    return ctx.out.simple('QUEUED');
  }
  await invoke(ctx, command, args);
}

/** Runs `command`'s handler; a failure becomes its error reply (what it wrote so far is dropped). */
export async function invoke(ctx: CommandContext, command: CommandSpec, args: Buffer[]): Promise<void> {
  const { server, out } = ctx;
  const started = performance.now();
  const mark = out.mark();
  let ok = true;
  try {
    const pending = command.handler(ctx, args);
    if (pending !== undefined) await pending;
  } catch (err) {
    ok = false;
    out.rollback(mark);
    replyError(ctx, errorMessage(ctx, err, command.name));
  }
  const seconds = (performance.now() - started) / 1000;
  server.stats.called(command.name, Math.round(seconds * 1e6), !ok);
  server.service.recordOp({ via: 'resp', command: command.name, seconds, ok });
}

/** Sends an error reply and counts it. */
export function replyError(ctx: CommandContext, message: string): void {
  ctx.server.stats.errorReply(message);
  ctx.out.error(message);
}

/** A refusal before the command ran; inside MULTI it also dooms the transaction (EXECABORT). */
function refuse(ctx: CommandContext, command: CommandSpec | undefined, message: string): void {
  if (ctx.client.tx !== undefined) ctx.client.tx.failed = true;
  if (command !== undefined) ctx.server.stats.rejected(command.name);
  replyError(ctx, message);
}

function errorMessage(ctx: CommandContext, err: unknown, command: string): string {
  if (err instanceof ReplyError) return err.message;
  if (isKvsError(err)) return `ERR ${err.message}`;
  ctx.server.log(`internal error in ${command.toUpperCase()}: ${err instanceof Error ? err.stack : String(err)}`);
  return `ERR internal error in ${command.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`;
}
