/**
 * A bound on a wait that node-redis does not bound itself: its per-command `timeout` covers single
 * commands, not MULTI/EXEC or pipelines, and connect() only bounds the TCP handshake. One timer per
 * wait, cleared when it settles.
 */

/** An error whose class name says "Timeout", so the error mappers word it as an unanswered wait. */
export class DeadlineTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** `promise`, or a rejection with DeadlineTimeout once `ms` have passed without it settling. */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineTimeout(ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
