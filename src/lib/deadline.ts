/**
 * Bounded waits. Every call to something outside the process (Inngest, a node's
 * HTTP call, a model) has a deadline, and missing it is a typed error callers
 * can tell apart from the call failing.
 */

export class DeadlineExceededError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = "DeadlineExceededError";
  }
}

/**
 * Settles like `work`, or rejects with `onTimeout()` (a DeadlineExceededError
 * naming `what` unless given) once `timeoutMs` has passed. The work itself goes
 * on: callers whose work can be aborted should pass a signal to it as well.
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error = () => new DeadlineExceededError("The call", timeoutMs),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
