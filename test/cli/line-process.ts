/**
 * Test helper: a child process whose stdout is read line by line, so a test can wait for the line
 * it expects (or for the exit) with a bound. Children still running when the test file ends are killed.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll } from 'vitest';

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

export class LineProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  #waiters: (() => void)[] = [];
  #done = false;

  constructor(command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this.child);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.#wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
      this.#wake();
    });
    this.child.stdin!.on('error', () => {}); // a child that exited no longer reads
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        running.delete(this.child);
        this.#done = true;
        this.#wake();
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get done(): boolean {
    return this.#done;
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Resolves with the first line (stdout) matching `pattern`, or undefined iff the process ends first; rejects after `timeoutMs`. */
  async line(pattern: RegExp, timeoutMs = 30_000): Promise<string | undefined> {
    return this.until(() => this.lines.find((l) => pattern.test(l)), timeoutMs);
  }

  /** Resolves once `check` returns something (or the process has ended: undefined); rejects after `timeoutMs`. */
  async until<T>(check: () => T | undefined, timeoutMs = 30_000): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (this.#done) return check();
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; stdout: ${this.lines.join(' | ')}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async kill(): Promise<void> {
    if (this.#done) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
