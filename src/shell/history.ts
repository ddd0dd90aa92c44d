/**
 * The shell's persistent history: one line per entry in ~/.kvs_history (or KVS_HISTORY_FILE;
 * empty turns history off), oldest first, private to the user (mode 0600). Each entry is
 * appended as it is entered, so concurrent shells interleave rather than overwrite each other.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Entries kept; a file grown past twice this is trimmed when a shell starts. */
export const HISTORY_SIZE = 1000;

/** The history file to use, or undefined iff history is turned off. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.KVS_HISTORY_FILE;
  if (configured !== undefined) return configured === '' ? undefined : path.resolve(configured);
  return path.join(os.homedir(), '.kvs_history');
}

/** The entries newest first (readline's order); [] when the file is missing or unreadable. */
export function loadHistory(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const kept = lines.slice(-HISTORY_SIZE);
  if (lines.length > 2 * HISTORY_SIZE) {
    try {
      fs.writeFileSync(file, `${kept.join('\n')}\n`, { mode: 0o600 });
    } catch {
      // a history that cannot be trimmed is still usable
    }
  }
  return kept.reverse();
}

/** Appends one entry; a history that cannot be written never stops the shell. */
export function appendHistory(file: string, line: string): void {
  if (line.trim() === '' || line.includes('\n')) return;
  try {
    fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // e.g. a read-only home directory
  }
}
