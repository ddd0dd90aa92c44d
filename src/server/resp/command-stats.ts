/**
 * Counters behind INFO commandstats, errorstats and `total_error_replies`, as Redis keeps them:
 * per command its calls, time spent, calls rejected before they ran (arity, NOAUTH, a queuing
 * error) and calls that failed while running; per error code (the reply's first word) how many
 * error replies carried it. Single-threaded: plain counters.
 */

export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** The error code of an error reply: its first word ("ERR", "NOAUTH", "WRONGPASS", "EXECABORT" ...). */
export function errorCode(message: string): string {
  const space = message.indexOf(' ');
  return (space < 0 ? message : message.slice(0, space)).slice(0, 32);
}

export class CommandStats {
  readonly #commands = new Map<string, CommandStat>();
  readonly #errors = new Map<string, number>();
  #errorReplies = 0;

  /** Error replies sent since start (or the last reset), whatever caused them. */
  get errorReplies(): number {
    return this.#errorReplies;
  }

  /** A command ran for `usec` microseconds; `failed` iff its reply was an error. */
  called(name: string, usec: number, failed: boolean): void {
    const stat = this.#stat(name);
    stat.calls++;
    stat.usec += usec;
    if (failed) stat.failedCalls++;
  }

  /** A known command was refused before it ran (its reply is an error). */
  rejected(name: string): void {
    this.#stat(name).rejectedCalls++;
  }

  /** An error reply was sent; `message` starts with its code. */
  errorReply(message: string): void {
    this.#errorReplies++;
    const code = errorCode(message);
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** Commands with at least one call or rejection, by name. */
  commands(): [string, CommandStat][] {
    return [...this.#commands].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  errors(): [string, number][] {
    return [...this.#errors].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.#commands.clear();
    this.#errors.clear();
    this.#errorReplies = 0;
  }

  #stat(name: string): CommandStat {
    let stat = this.#commands.get(name);
    if (stat === undefined) {
      stat = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.#commands.set(name, stat);
    }
    return stat;
  }
}
