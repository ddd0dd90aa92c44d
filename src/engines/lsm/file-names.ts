/**
 * Names of the LSM engine's files, as in LevelDB. One counter numbers WALs, tables and
 * manifests, so a number names exactly one file:
 *   000012.log        write-ahead log 12        000013.sst    SSTable 13
 *   MANIFEST-000002   manifest 2                CURRENT       names the live manifest
 *   *.tmp, *.tmp-PID  a file being written; never read, deleted on the next writable open
 */
import * as path from 'node:path';

export type FileKind = 'log' | 'table' | 'manifest' | 'current' | 'temp';

export const CURRENT_FILE = 'CURRENT';

const pad = (n: number): string => String(n).padStart(6, '0');

export const logFileName = (n: number): string => `${pad(n)}.log`;
export const tableFileName = (n: number): string => `${pad(n)}.sst`;
export const manifestFileName = (n: number): string => `MANIFEST-${pad(n)}`;

export const logPath = (dir: string, n: number): string => path.join(dir, logFileName(n));
export const tablePath = (dir: string, n: number): string => path.join(dir, tableFileName(n));
export const manifestPath = (dir: string, n: number): string => path.join(dir, manifestFileName(n));

const NUMBERED = /^(\d{6,})\.(log|sst)$/;
const MANIFEST = /^MANIFEST-(\d{6,})$/;
/** Temporary files: ours end in .tmp, util/fs's atomic writes in .tmp-PID. */
const TEMP = /\.tmp(-\d+)?$/;

/** Kind and number of an engine file, or undefined iff `name` is not one (the marker, LOCK, ...). */
export function parseFileName(name: string): { kind: FileKind; number: number } | undefined {
  if (name === CURRENT_FILE) return { kind: 'current', number: 0 };
  if (TEMP.test(name)) return { kind: 'temp', number: 0 };
  const m = NUMBERED.exec(name);
  if (m !== null) return { kind: m[2] === 'log' ? 'log' : 'table', number: Number(m[1]) };
  const mf = MANIFEST.exec(name);
  if (mf !== null) return { kind: 'manifest', number: Number(mf[1]) };
  return undefined;
}
