/**
 * Who holds a directory lock: the owner record a writer leaves in LOCK/, and whether the process
 * it names is still running. Synchronous and stateless apart from this process's own identity,
 * read once.
 *
 * A pid alone is weak evidence: pids are reused, and a restarted container's first process gets
 * the same pid as the one that died. On Linux a process is named by (boot id, pid, start time),
 * which no other process can share: a record whose boot id differs is from before a reboot, and
 * one whose pid now runs with another start time belongs to a dead process. Elsewhere only the
 * pid is checked.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isProcessAlive } from '../../util/process.js';

/** The JSON of an owner file. `boot` and `start` are absent where /proc cannot tell them. */
export interface LockOwner {
  /** Unique to one acquisition: the owner file's name, so no other acquisition can be mistaken for it. */
  token: string;
  pid: number;
  host: string;
  /** When the lock was taken, ISO-8601. */
  since: string;
  /** /proc/sys/kernel/random/boot_id of the holder's boot. */
  boot?: string;
  /** Start time of the holder's process, in clock ticks after boot (field 22 of /proc/PID/stat). */
  start?: string;
}

/** How a record relates to this process. */
export type OwnerState = 'this-process' | 'alive' | 'dead' | 'other-host';

interface Identity {
  pid: number;
  host: string;
  boot: string | undefined;
  start: string | undefined;
}

let self: Identity | undefined;

function identity(): Identity {
  self ??= { pid: process.pid, host: os.hostname(), boot: readBootId(), start: startTimeOf(process.pid) };
  return self;
}

function readBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The start time of process `pid` (field 22 of /proc/PID/stat), `null` iff /proc says there is no
 * such process, `undefined` iff /proc cannot tell (not Linux). The command name (field 2) is in
 * parentheses and may hold spaces or parentheses itself, so fields are counted after the last ')'.
 */
function startTimeOf(pid: number): string | undefined;
function startTimeOf(pid: number, orNull: true): string | undefined | null;
function startTimeOf(pid: number, orNull = false): string | undefined | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    // Gone iff the kernel agrees: /proc mounted with hidepid hides live processes of other users.
    const gone = (err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat') && !isProcessAlive(pid);
    return gone && orNull ? null : undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[STARTTIME_FIELD - 3]; // fields[0] is field 3 (state)
}

const STARTTIME_FIELD = 22;

/** A fresh owner record for this process, under a token no other acquisition uses. */
export function newOwner(): LockOwner {
  const me = identity();
  const token = `${me.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const owner: LockOwner = { token, pid: me.pid, host: me.host, since: new Date().toISOString() };
  if (me.boot !== undefined) owner.boot = me.boot;
  if (me.start !== undefined) owner.start = me.start;
  return owner;
}

/** `text` as an owner record, or undefined iff it is not one (a file damaged by a power loss). */
export function parseOwner(text: string): LockOwner | undefined {
  let parsed: Partial<LockOwner>;
  try {
    parsed = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
  const owner: LockOwner = { token: String(parsed.token), pid: parsed.pid, host: parsed.host, since: String(parsed.since) };
  if (typeof parsed.boot === 'string') owner.boot = parsed.boot;
  if (typeof parsed.start === 'string') owner.start = parsed.start;
  return owner;
}

/**
 * Whether the process `owner` names still runs. 'this-process' iff it is this very process (the
 * same start time where /proc tells it, else only the same pid); 'other-host' iff it ran on
 * another machine, whose processes cannot be checked from here.
 */
export function ownerState(owner: LockOwner): OwnerState {
  const me = identity();
  if (owner.host !== me.host) return 'other-host';
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return 'dead'; // rebooted since
  if (owner.pid === me.pid) {
    if (owner.start !== undefined && me.start !== undefined) return owner.start === me.start ? 'this-process' : 'dead';
    return 'this-process';
  }
  const start = startTimeOf(owner.pid, true);
  if (start === null) return 'dead';
  if (start !== undefined && owner.start !== undefined) return start === owner.start ? 'alive' : 'dead'; // the pid was reused
  return isProcessAlive(owner.pid) ? 'alive' : 'dead';
}
