/**
 * The key routes: GET/PUT/DELETE /v1/kv/{key} on one key, and GET /v1/kv to list keys in order,
 * a page at a time. Every write goes through KvService (so the change feed and the per-key locks
 * see it); values travel as raw bytes, keys as percent-encoded path segments.
 */
import { readBody } from './body.js';
import { decodeCursor, encodeCursor, percentDecode, toJsonText } from './bytes-codec.js';
import type { RequestContext } from './context.js';
import { HttpError, HttpErrorCodes, sendJson } from './errors.js';
import type { ScanOptions } from '../../engine/types.js';

export const KV_PREFIX = '/v1/kv/';

/** Default and largest page of GET /v1/kv. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** The key named by the path (everything after /v1/kv/, a literal "/" included), as bytes. */
function keyOf(ctx: RequestContext): Buffer {
  return percentDecode(ctx.path.slice(KV_PREFIX.length), 'the key in the URL');
}

function notFound(key: Buffer): HttpError {
  return new HttpError(404, HttpErrorCodes.KEY_NOT_FOUND, `no key ${JSON.stringify(toJsonText(key).text)}`);
}

/** GET (and HEAD) /v1/kv/{key}: 200 with the raw value, 404 KEY_NOT_FOUND when absent. */
export async function getKey(ctx: RequestContext): Promise<void> {
  const key = keyOf(ctx);
  const value = await ctx.service.get(key);
  if (value === undefined) throw notFound(key);
  ctx.res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': value.length });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : value);
}

/** PUT /v1/kv/{key}: stores the body as the value; 204. */
export async function putKey(ctx: RequestContext): Promise<void> {
  const key = keyOf(ctx);
  const value = await readBody(ctx.req, ctx.maxBodyBytes);
  await ctx.service.set(key, value, 'http');
  ctx.res.writeHead(204).end();
}

/** DELETE /v1/kv/{key}: 204 when the key was deleted, 404 KEY_NOT_FOUND when it was absent. */
export async function deleteKey(ctx: RequestContext): Promise<void> {
  const key = keyOf(ctx);
  if (!(await ctx.service.delete(key, 'http'))) throw notFound(key);
  ctx.res.writeHead(204).end();
}

function listLimit(raw: Buffer | undefined): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const text = raw.toString('utf8');
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_LIST_LIMIT) {
    throw new HttpError(400, HttpErrorCodes.BAD_QUERY, `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}; got ${JSON.stringify(text)}`);
  }
  return n;
}

function flag(raw: Buffer | undefined): boolean {
  const text = raw?.toString('utf8');
  return text === '1' || text === 'true';
}

export interface ListItem {
  key: string;
  keyEncoding: 'utf8' | 'base64';
  value?: string;
  valueEncoding?: 'utf8' | 'base64';
}

/**
 * GET /v1/kv?prefix=&start=&cursor=&limit=&values=1: keys in byte order (bounds intersect:
 * with `prefix`, at or after `start`, after `cursor`), at most `limit` of them; `next` is the
 * cursor of the following page, absent on the last one.
 */
export async function listKeys(ctx: RequestContext): Promise<void> {
  const limit = listLimit(ctx.query.get('limit'));
  const withValues = flag(ctx.query.get('values'));
  const scan: ScanOptions = { limit: limit + 1 };
  const prefix = ctx.query.get('prefix');
  if (prefix !== undefined && prefix.length > 0) scan.prefix = prefix;
  const start = ctx.query.get('start');
  if (start !== undefined && start.length > 0) scan.gte = start;
  const cursor = ctx.query.get('cursor');
  if (cursor !== undefined && cursor.length > 0) scan.gt = decodeCursor(cursor.toString('latin1'));

  const items: ListItem[] = [];
  let last: Buffer | undefined;
  let more = false;
  for await (const [key, value] of ctx.service.scan(scan)) {
    if (items.length === limit) {
      more = true;
      break;
    }
    const k = toJsonText(key);
    const item: ListItem = { key: k.text, keyEncoding: k.encoding };
    if (withValues) {
      const v = toJsonText(value);
      item.value = v.text;
      item.valueEncoding = v.encoding;
    }
    items.push(item);
    last = key;
  }
  sendJson(ctx.res, more && last !== undefined ? { items, next: encodeCursor(last) } : { items });
}
