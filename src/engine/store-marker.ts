/**
 * The marker file that makes a directory a kvs store and remembers which engine created it,
 * so that a later open without an engine name uses the right one and a wrong name fails.
 *
 * Format: `kvs-store.json`, UTF-8 JSON `{"engine": NAME, "markerVersion": 1, "crc32": N}`,
 * created once, atomically, and never replaced, so two first writers agree on one engine.
 * `crc32` is CRC-32 (zlib) of the UTF-8 text `NAME + "\n" + markerVersion`: a flipped byte in the
 * engine's name is CORRUPTION, not a store "created by the bhtcask engine". Markers written
 * before the field existed have none and are read as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fsyncDirSync } from '../util/fs.js';
import { ErrorCodes, KvsError } from './errors.js';
import { makeDirectories, unwritableDirError } from './write-access.js';

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
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw notADirectory(dir);
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

/**
 * Creates `dir` if needed and records `engine` as its creator, unless a marker is there already:
 * returns the marker that `dir` holds afterwards, which names another engine iff another process
 * created the store first. The marker is complete before it appears (a temporary file, fsynced,
 * then linked into place: link(2), unlike rename, never replaces an existing marker).
 */
export function createMarker(dir: string, engine: string): StoreMarker {
  const file = path.join(dir, MARKER_FILE);
  const marker = { engine, markerVersion: MARKER_VERSION, crc32: markerCrc(engine, MARKER_VERSION) };
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    makeDirectories(dir);
    const fd = fs.openSync(tmp, 'wx');
    try {
      fs.writeFileSync(fd, `${JSON.stringify(marker)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // EEXIST: another process created the store first. ENOENT: its writable open swept our temporary file.
    const theirs = code === 'EEXIST' || code === 'ENOENT' ? readMarker(dir) : undefined;
    if (theirs !== undefined) return theirs;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw notADirectory(dir);
    throw unwritableDirError(dir, err, false) ?? new KvsError(ErrorCodes.IO_ERROR, `cannot create the store marker ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // never created: the directory could not be made
    }
  }
  fsyncDirSync(dir);
  return { engine, markerVersion: MARKER_VERSION };
}

/**
 * True iff `dir` does not exist or holds no entries but the temporary files of markers being
 * created (another process creating the store at this very moment is not a foreign file).
 */
export function isEmptyOrMissing(dir: string): boolean {
  try {
    return fs.readdirSync(dir).every((name) => name.startsWith(`${MARKER_FILE}.tmp-`));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'ENOTDIR') throw notADirectory(dir);
    throw new KvsError(ErrorCodes.IO_ERROR, `cannot list ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** NOT_A_STORE naming the part of `dir` that is a file (`dir` itself, or one of its parents). */
function notADirectory(dir: string): KvsError {
  let file = dir;
  for (let at = path.parse(dir).root; ; ) {
    const next = path.relative(at, dir).split(path.sep)[0];
    if (next === undefined || next === '') break;
    at = path.join(at, next);
    const st = fs.statSync(at, { throwIfNoEntry: false });
    if (st === undefined) break;
    if (!st.isDirectory()) {
      file = at;
      break;
    }
  }
  const message = file === dir ? `${dir} is a file, not a directory; choose a directory for the store` : `${dir} cannot be a directory: ${file} is a file; choose a store directory elsewhere`;
  return new KvsError(ErrorCodes.NOT_A_STORE, message, { details: { dir, file } });
}
