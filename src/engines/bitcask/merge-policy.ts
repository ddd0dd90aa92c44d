/**
 * When to merge (the how is merge.ts). Only sealed files can be merged; merging pays off once
 * a large enough share of them is dead, so the store stays within about
 * live / (1 - mergeDeadRatio) bytes plus the active file, whatever the overwrite rate.
 */
import type { BitcaskOptions } from './options.js';

export interface SealedSpace {
  sealedBytes: number;
  sealedDeadBytes: number;
}

/** True iff the sealed files hold enough dead bytes to be worth rewriting. */
export function shouldMerge(space: SealedSpace, options: BitcaskOptions): boolean {
  if (!options.autoMerge || space.sealedBytes === 0) return false;
  return space.sealedDeadBytes >= options.mergeMinDeadBytes && space.sealedDeadBytes >= options.mergeDeadRatio * space.sealedBytes;
}
