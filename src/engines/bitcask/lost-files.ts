/**
 * Moves files a store cannot account for into its `lost/` subdirectory instead of deleting them:
 * a file that looks orphaned may still be the only copy of something, and only its owner can
 * tell. A name already taken in lost/ gets a numeric suffix, so nothing there is overwritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDirSync } from '../../util/fs.js';

export const LOST_DIR = 'lost';

/** Moves each of `names` (files directly in `dir`) to `dir/lost/`; returns where each went, relative to `dir`. */
export function moveToLost(dir: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const lost = path.join(dir, LOST_DIR);
  fs.mkdirSync(lost, { recursive: true });
  const moved: string[] = [];
  for (const name of names) {
    let target = name;
    for (let n = 1; fs.existsSync(path.join(lost, target)); n++) target = `${name}.${n}`;
    fs.renameSync(path.join(dir, name), path.join(lost, target));
    moved.push(path.join(LOST_DIR, target));
  }
  fsyncDirSync(lost);
  fsyncDirSync(dir);
  return moved;
}
