/**
 * Progress for long commands (migrate, bench), always on stderr so stdout stays data: a bar
 * redrawn in place on a terminal, a plain line every few seconds otherwise (logs, CI).
 */
export interface ProgressOptions {
  /** Units of work expected; without it the bar shows a count and a rate only. */
  total?: number;
  /** What is progressing ("copying", "fillrandom bitcask"). */
  label: string;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Seconds between plain log lines when the stream is not a terminal. Default 5. */
  logEverySeconds?: number;
}

export interface Progress {
  /** Adds `n` (default 1) units of work done. */
  tick(n?: number): void;
  /** Ends the bar (clears it on a terminal) and prints `summary`, if given, as one line. */
  done(summary?: string): void;
}

const BAR_WIDTH = 28;
const REDRAW_MS = 100;

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const started = Date.now();
  const logEveryMs = (options.logEverySeconds ?? 5) * 1000;
  let done = 0;
  let lastDraw = 0;
  let finished = false;

  const describe = (): string => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = Math.round(done / seconds);
    if (options.total === undefined || options.total <= 0) return `${options.label} ${done} (${rate}/s)`;
    const fraction = Math.min(done / options.total, 1);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    if (!tty) return `${options.label} ${done}/${options.total} ${percent} (${rate}/s)`;
    const filled = Math.round(fraction * BAR_WIDTH);
    return `${options.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${done}/${options.total} (${rate}/s)`;
  };

  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastDraw < (tty ? REDRAW_MS : logEveryMs)) return;
    lastDraw = now;
    if (tty) stream.write(`\r\x1b[2K${describe()}`);
    else stream.write(`${describe()}\n`);
  };
  if (!tty) lastDraw = started; // first plain line after logEverySeconds, not at once

  return {
    tick(n = 1) {
      if (finished) return;
      done += n;
      draw(false);
    },
    done(summary) {
      if (finished) return;
      finished = true;
      if (tty) stream.write('\r\x1b[2K');
      if (summary !== undefined) stream.write(`${summary}\n`);
    },
  };
}
