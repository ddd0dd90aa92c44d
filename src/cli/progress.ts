/**
 * Progress for long commands (migrate, bench), always on stderr so stdout stays data: a bar
 * redrawn in place on a terminal, a plain line every few seconds otherwise (logs, CI). With a
 * total it estimates the time left from the pace so far; a slow rate is shown per minute, never
 * rounded down to "0/s".
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
  /** The clock, in milliseconds (tests pass their own). Default Date.now. */
  now?: () => number;
}

export interface Progress {
  /** Adds `n` (default 1) units of work done. */
  tick(n?: number): void;
  /** Sets what is being done now ("lsm run 1/3: readrandom"), shown after the figures. */
  status(text: string): void;
  /** Ends the bar (clears it on a terminal) and prints `summary`, if given, as one line. */
  done(summary?: string): void;
}

const BAR_WIDTH = 28;
const REDRAW_MS = 100;

/** 0.4/s -> "24/min", 3.25/s -> "3.3/s", 1234/s -> "1234/s"; null iff the rate is not positive. */
export function formatRate(perSecond: number): string | null {
  if (!(perSecond > 0)) return null;
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${Number(perSecond.toFixed(1))}/s`;
  const perMinute = perSecond * 60;
  if (perMinute >= 10) return `${Math.round(perMinute)}/min`;
  if (perMinute >= 0.1) return `${Number(perMinute.toFixed(1))}/min`;
  return `${Number((perMinute * 60).toPrecision(2))}/h`;
}

/** Seconds as "45s", "3m05s" or "2h07m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `line` cut to `columns - 1` characters (with an ellipsis), when the width is known. */
function fit(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const started = now();
  const logEveryMs = (options.logEverySeconds ?? 5) * 1000;
  const total = options.total !== undefined && options.total > 0 ? options.total : undefined;
  let done = 0;
  let detail = '';
  let lastDraw = 0;
  let finished = false;

  /** "(12/s, about 3m05s left)", "(estimating…)", or "" before anything can be said. */
  const pace = (): string => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? formatRate(done / seconds) : null;
    if (total === undefined) return rate === null ? '' : ` (${rate})`;
    if (done >= total) return rate === null ? '' : ` (${rate})`;
    if (rate === null) return ' (estimating the time left…)';
    return ` (${rate}, about ${formatDuration(((total - done) * seconds) / done)} left)`;
  };

  const describe = (): string => {
    const tail = `${pace()}${detail === '' ? '' : ` · ${detail}`}`;
    if (total === undefined) return `${options.label} ${done}${tail}`;
    const fraction = Math.min(done / total, 1);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    if (!tty) return `${options.label} ${done}/${total} ${percent}${tail}`;
    const filled = Math.round(fraction * BAR_WIDTH);
    return `${options.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${done}/${total}${tail}`;
  };

  const draw = (force: boolean): void => {
    const at = now();
    if (!force && at - lastDraw < (tty ? REDRAW_MS : logEveryMs)) return;
    lastDraw = at;
    // On a terminal the line must fit: a wrapped one would not be erased by the next redraw.
    if (tty) stream.write(`\r\x1b[2K${fit(describe(), stream.columns)}`);
    else stream.write(`${describe()}\n`);
  };
  if (!tty) lastDraw = started; // first plain line after logEverySeconds, not at once

  return {
    tick(n = 1) {
      if (finished) return;
      done += n;
      draw(false);
    },
    status(text) {
      if (finished) return;
      detail = text;
      if (tty) draw(false); // a plain log gets it with the next line
    },
    done(summary) {
      if (finished) return;
      finished = true;
      if (tty) stream.write('\r\x1b[2K');
      if (summary !== undefined) stream.write(`${summary}\n`);
    },
  };
}
