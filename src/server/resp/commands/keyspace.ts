/**
 * Reads as Redis clients expect them: a key the engines could never store (empty, or longer
 * than the key limit) is simply absent, so GET, EXISTS, DEL ... of it answer nil or 0 instead
 * of an error. Writes of such keys still fail, naming the limit.
 */
import { MAX_KEY_BYTES } from '../../../engine/limits.js';
import type { CommandContext } from './command-table.js';

/** True iff an engine could hold `key` (1 to MAX_KEY_BYTES bytes). */
export function storable(key: Buffer): boolean {
  return key.length > 0 && key.length <= MAX_KEY_BYTES;
}

/** The value of `key`, or undefined iff it is absent (or could never be stored). */
export function readValue(ctx: CommandContext, key: Buffer): Promise<Buffer | undefined> {
  return storable(key) ? ctx.kv.get(key) : Promise.resolve(undefined);
}

/** True iff `key` is present. */
export function keyExists(ctx: CommandContext, key: Buffer): Promise<boolean> {
  return storable(key) ? ctx.kv.has(key) : Promise.resolve(false);
}

