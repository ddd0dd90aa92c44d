/**
 * POST /v1/batch: several sets and deletes in one request, applied through KvService.batch, so
 * all or none of them take effect on engines with `supports.atomicBatch` (the response says
 * which). The whole document is checked before anything is applied: one bad op changes nothing.
 *
 *   { "ops": [ { "type": "set", "key": "k", "value": "v", "keyEncoding"?: "utf8"|"base64", "valueEncoding"?: ... },
 *              { "type": "delete", "key": "k", "keyEncoding"?: ... } ] }
 */
import type { BatchOp } from '../../engine/types.js';
import { readBody } from './body.js';
import { fromJsonText } from './bytes-codec.js';
import type { RequestContext } from './context.js';
import { HttpError, HttpErrorCodes, sendJson } from './errors.js';

/** Most operations one request may carry; larger batches are split by the client. */
export const MAX_BATCH_OPS = 10_000;

function badJson(message: string): HttpError {
  return new HttpError(400, HttpErrorCodes.BAD_JSON, message);
}

/** The ops of a parsed batch document; throws BAD_JSON naming the first op that does not fit. */
export function parseBatch(doc: unknown): BatchOp[] {
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { ops?: unknown }).ops)) {
    throw badJson('the body must be a JSON object with an "ops" array: {"ops":[{"type":"set","key":"k","value":"v"}]}');
  }
  const raw = (doc as { ops: unknown[] }).ops;
  if (raw.length > MAX_BATCH_OPS) throw badJson(`a batch holds at most ${MAX_BATCH_OPS} operations; got ${raw.length}: split it`);
  return raw.map((op, i): BatchOp => {
    if (typeof op !== 'object' || op === null) throw badJson(`ops[${i}] must be an object`);
    const o = op as Record<string, unknown>;
    const key = fromJsonText(o.key, o.keyEncoding, `ops[${i}].key`);
    if (o.type === 'set') return { type: 'set', key, value: fromJsonText(o.value, o.valueEncoding, `ops[${i}].value`) };
    if (o.type === 'delete') return { type: 'delete', key };
    throw badJson(`ops[${i}].type must be "set" or "delete"; got ${JSON.stringify(o.type)}`);
  });
}

/** POST /v1/batch: 200 `{applied, atomic}`. */
export async function postBatch(ctx: RequestContext): Promise<void> {
  const body = await readBody(ctx.req, ctx.maxBodyBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badJson(`the body is not valid JSON (${(err as Error).message})`);
  }
  const ops = parseBatch(doc);
  await ctx.service.batch(ops, 'http');
  sendJson(ctx.res, { applied: ops.length, atomic: ctx.service.engine.supports.atomicBatch });
}
