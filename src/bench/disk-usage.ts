/** Bytes a directory tree occupies on disk, counted the way `du` does (allocated blocks). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Allocated bytes of every file under `dir`, recursively (0 if it does not exist). Allocated
 * rather than apparent size: a sparse memory-mapped file (LMDB) costs only the pages it uses,
 * and a preallocated log costs all of its blocks.
 */
export function diskUsageSync(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      total += diskUsageSync(full);
    } else if (entry.isFile()) {
      const st = fs.statSync(full, { throwIfNoEntry: false });
      if (st !== undefined) total += st.blocks * 512;
    }
  }
  return total;
}
