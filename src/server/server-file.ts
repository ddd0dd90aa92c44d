/**
 * The SERVER file: while `kvs server` serves a data directory it records there who serves it
 * and where, so a local command that finds the directory locked can say "use --addr ...".
 * Written after the store is open (so openStore never sees it in an empty directory), removed
 * at shutdown; a file left by a killed server is ignored once its pid is gone.
 *
 * Format: `SERVER`, UTF-8 JSON `{"pid": 123, "addr": "127.0.0.1:6380", "started": ISO-8601}`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../util/fs.js';
import { isProcessAlive } from '../util/process.js';

export const SERVER_FILE = 'SERVER';

export interface ServerRecord {
  pid: number;
  /** host:port the RESP server listens on. */
  addr: string;
  /** When the server started, ISO-8601. */
  started: string;
  /** host:port of the HTTP API, when it runs. */
  http?: string;
}

/** Records that this process serves `dir` at `addr`. */
export function writeServerFile(dir: string, record: ServerRecord): void {
  writeFileAtomicSync(path.join(dir, SERVER_FILE), `${JSON.stringify(record)}\n`);
}

/** Removes the SERVER file iff it names this process. */
export function removeServerFile(dir: string): void {
  const record = readServerFile(dir);
  if (record?.pid === process.pid) fs.rmSync(path.join(dir, SERVER_FILE), { force: true });
}

/** The SERVER file of `dir`, or undefined iff there is none or it does not parse. */
export function readServerFile(dir: string): ServerRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, SERVER_FILE), 'utf8')) as Partial<ServerRecord>;
    if (typeof parsed.pid !== 'number' || typeof parsed.addr !== 'string') return undefined;
    const record: ServerRecord = { pid: parsed.pid, addr: parsed.addr, started: String(parsed.started) };
    if (typeof parsed.http === 'string') record.http = parsed.http;
    return record;
  } catch {
    return undefined;
  }
}

/**
 * A sentence naming the live kvs server that serves `dir` and how to reach it, e.g.
 * `a kvs server (pid 123) is serving this directory at 127.0.0.1:6380: use --addr 127.0.0.1:6380`;
 * undefined iff no SERVER file names a live process.
 */
export function describeServer(dir: string): string | undefined {
  const record = readServerFile(dir);
  if (record === undefined || !isProcessAlive(record.pid)) return undefined;
  return `a kvs server (pid ${record.pid}) is serving this directory at ${record.addr}: use --addr ${record.addr}`;
}
