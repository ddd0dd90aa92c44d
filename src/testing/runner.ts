/**
 * The test functions the shared suites register their cases with. vitest's are the default; any
 * runner with describe/it/afterAll and a Jest-style `expect` works (see docs/writing-an-engine.md
 * for node:test).
 */
import type { expect as vitestExpect } from 'vitest';

export interface TestRunner {
  describe(name: string, body: () => void): void;
  /** Registers a test; `timeout` in milliseconds, when given. */
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  /** Runs `body` once after every test of the file (the suites remove their temporary directories there). */
  afterAll(body: () => void | Promise<void>): void;
  /** A Jest-style expect: vitest's (which also works outside vitest), or the `expect` package's. */
  expect: typeof vitestExpect;
}

/** vitest's functions, imported only when a suite runs without a runner of its own. */
export async function vitestRunner(): Promise<TestRunner> {
  const vitest = await import('vitest');
  return { describe: vitest.describe, it: vitest.it, afterAll: vitest.afterAll, expect: vitest.expect };
}
