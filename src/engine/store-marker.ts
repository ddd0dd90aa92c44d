/**
 * The marker file that makes a directory a kvs store and remembers which engine created it,
 * so that a later open without an engine name uses the right one and a wrong name fails.
 *
 * Format: `kvs-store.json`, UTF-8 JSON `{"engine": NAME, "markerVersion": 1, "crc32": N}`, written
 * atomically. `crc32` is CRC-32 (zlib) of the UTF-8 text `NAME + "\n" + markerVersion`: a flipped
 * byte in the engine's name is CORRUPTION, not a store "created by the bhtcask engine". Markers
 * written before the field existed have none and are read as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { writeFileAtomicSync } from '../util/fs.js';
import { ErrorCodes, KvsError } from './errors.js';

export const MARKER_FILE = 'kvs-store.json';
const MARKER_VERSION = 1;

export interface StoreMarker {
  engine: string;
  markerVersion: number;
}

/** The marker's checksum over its fields. */
function markerCrc(engine: string, markerVersion: number): number {
  return zlib.crc32(`${engine}\n${markerVersion}`);
}

/** The marker of `dir`, or `undefined` iff the directory has none. Throws CORRUPTION if unreadable. */
export function readMarker(dir: string): StoreMarker | undefined {
  const file = path.join(dir, MARKER_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new KvsError(ErrorCodes.IO_ERROR, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    parsed = undefined;
  }
  const marker = parsed as Partial<StoreMarker> | undefined;
  if (typeof marker?.engine !== 'string' || typeof marker.markerVersion !== 'number') {
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `${file} is not a valid kvs store marker (expected JSON with "engine" and "markerVersion"); restore it, e.g. {"engine":"bitcask","markerVersion":1}`,
      { details: { file: MARKER_FILE, path: file } },
    );
  }
  const crc = (parsed as { crc32?: unknown }).crc32;
  if (crc !== undefined && crc !== markerCrc(marker.engine, marker.markerVersion)) {
    throw new KvsError(
      ErrorCodes.CORRUPTION,
      `${file} is damaged: its checksum does not match its contents (engine ${JSON.stringify(marker.engine)}); restore it from a backup, or rewrite it with the engine the store was made with, e.g. {"engine":"bitcask","markerVersion":1}`,
      { details: { file: MARKER_FILE, path: file } },
    );
  }
  if (marker.markerVersion > MARKER_VERSION) {
    throw new KvsError(ErrorCodes.UNSUPPORTED, `${file} has marker version ${marker.markerVersion}; this kvs reads version ${MARKER_VERSION}: upgrade kvs`);
  }
  return { engine: marker.engine, markerVersion: marker.markerVersion };
}

/** Creates `dir` if needed and records `engine` as its creator. */
export function writeMarker(dir: string, engine: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const marker = { engine, markerVersion: MARKER_VERSION, crc32: markerCrc(engine, MARKER_VERSION) };
  writeFileAtomicSync(path.join(dir, MARKER_FILE), `${JSON.stringify(marker)}\n`);
}

/** True iff `dir` does not exist or holds no entries. */
export function isEmptyOrMissing(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'ENOTDIR') {
      throw new KvsError(ErrorCodes.NOT_A_STORE, `${dir} is a file, not a directory; choose a directory for the store`);
    }
    throw new KvsError(ErrorCodes.IO_ERROR, `cannot list ${dir}: ${(err as Error).message}`, { cause: err });
  }
}
