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

/**
 * True iff the sealed files hold enough dead bytes to be worth rewriting: at least
 * mergeDeadRatio of them, and at least mergeMinDeadBytes or one file's worth (maxFileSize),
 * whichever is less. The second floor is what bounds a store of small files: with 1 MiB files
 * and a 16 MiB floor, an overwrite loop would keep 16x its live data before the first merge.
 * The engine asks after every rotation and after every POLICY_CHECK_BYTES written, since
 * overwrites make sealed bytes dead without any rotation.
 */
export function shouldMerge(space: SealedSpace, options: BitcaskOptions): boolean {
  if (!options.autoMerge || space.sealedBytes === 0) return false;
  const floor = Math.min(options.mergeMinDeadBytes, options.maxFileSize);
  return space.sealedDeadBytes >= floor && space.sealedDeadBytes >= options.mergeDeadRatio * space.sealedBytes;
}

/** Bytes written between two merge-policy checks outside rotation. */
export const POLICY_CHECK_BYTES = 1 << 20;
