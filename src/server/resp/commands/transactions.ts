/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH, with Redis's semantics. Between MULTI and
 * EXEC commands are queued (`+QUEUED`); one refused while queuing (unknown, wrong arity, ...)
 * makes EXEC reply `-EXECABORT`. EXEC replies nil if a WATCHed key was written since WATCH.
 * Otherwise EXEC holds the locks of every key its commands name, runs them in order against a
 * TransactionView (each sees the earlier ones' writes; no other client's write interleaves),
 * and issues their combined writes as one engine batch: all or nothing on engines whose batches
 * are atomic (every built-in engine). Its reply, like any write's, is sent once that batch is
 * acknowledged (on disk under sync always).
 */
import { ReplyError } from '../resp-writer.js';
import { commandKeys, type CommandContext, type CommandHandler, type CommandSpec } from './command-table.js';
import { invoke } from '../dispatch.js';
import { TransactionView } from './transaction-view.js';
import { Watcher } from '../../service/watches.js';

function spec(name: string, arity: number, flags: CommandSpec['flags'], keys: CommandSpec['keys'], summary: string, handler: CommandHandler): CommandSpec {
  return { name, arity, flags, keys, category: '@transaction', summary, handler };
}

function unwatch(ctx: CommandContext): void {
  if (ctx.client.watcher !== undefined) ctx.server.service.watches.unwatch(ctx.client.watcher);
}

async function exec(ctx: CommandContext): Promise<void> {
  const tx = ctx.client.tx;
  if (tx === undefined) throw new ReplyError('ERR EXEC without MULTI');
  ctx.client.tx = undefined;
  const watcher = ctx.client.watcher;
  if (tx.failed) {
    unwatch(ctx);
    throw new ReplyError('EXECABORT Transaction discarded because of previous errors.');
  }
  const keys = tx.queued.flatMap(([command, args]) => commandKeys(command, args));
  const service = ctx.server.service;
  await service.withKeys(
    keys,
    'resp',
    async (base) => {
      // Checked with the locks held: a write to a watched key issued after this point cannot precede ours.
      const conflict = watcher?.dirty === true;
      unwatch(ctx);
      if (conflict) return ctx.out.nilArray();
      const view = new TransactionView(base);
      const inner: CommandContext = { ...ctx, kv: view };
      ctx.out.array(tx.queued.length);
      for (const [command, args] of tx.queued) await invoke(inner, command, args);
      const ops = view.ops();
      if (ops.length > 0) await base.batch(ops);
    },
    ctx.defer,
  );
}

export const transactionCommands: CommandSpec[] = [
  spec('multi', 1, ['fast', 'loading', 'stale'], [0, 0, 0], 'Start a transaction: later commands are queued until EXEC', (ctx) => {
    if (ctx.client.tx !== undefined) throw new ReplyError('ERR MULTI calls can not be nested');
    ctx.client.tx = { queued: [], bytes: 0, failed: false };
    ctx.out.simple('OK');
  }),
  spec('exec', 1, ['loading', 'stale'], [0, 0, 0], 'Run the queued commands atomically; nil if a watched key changed', exec),
  spec('discard', 1, ['fast', 'loading', 'stale'], [0, 0, 0], 'Forget the queued commands', (ctx) => {
    if (ctx.client.tx === undefined) throw new ReplyError('ERR DISCARD without MULTI');
    ctx.client.tx = undefined;
    unwatch(ctx);
    ctx.out.simple('OK');
  }),
  spec('watch', -2, ['fast', 'loading', 'stale'], [1, -1, 1], 'Make the next EXEC fail if any of these keys is written first', (ctx, args) => {
    if (ctx.client.tx !== undefined) throw new ReplyError('ERR WATCH inside MULTI is not allowed');
    ctx.client.watcher ??= new Watcher();
    ctx.server.service.watches.watch(ctx.client.watcher, args.slice(1));
    ctx.out.simple('OK');
  }),
  spec('unwatch', 1, ['fast', 'loading', 'stale'], [0, 0, 0], 'Forget every watched key', (ctx) => {
    unwatch(ctx);
    ctx.out.simple('OK');
  }),
];
