/**
 * The rule that makes the step journal safe (see step-record-journal.ts): Inngest must never learn
 * of a step whose record is still only in this process's memory. It learns of finished steps in two
 * ways only — a checkpoint call from the SDK, and the answer to its call of /api/inngest — and both
 * wait here until every record held so far is written.
 *
 * This module imports nothing of the journal: the Inngest client needs the barrier, and the journal
 * needs the client (to publish), so the journal registers its flush on globalThis when it loads (one
 * per process, across Next's bundles). Where it never loaded, nothing can be held.
 */
const FLUSH_KEY = Symbol.for("stepwise.step-records.flush-all");

type FlushAll = () => Promise<void>;

export function registerStepRecordFlush(flushAll: FlushAll): void {
  (globalThis as { [FLUSH_KEY]?: FlushAll })[FLUSH_KEY] = flushAll;
}

/** Resolves once every step record held in this process is written; rejects if one could not be. */
export function writeHeldStepRecords(): Promise<void> {
  const flushAll = (globalThis as { [FLUSH_KEY]?: FlushAll })[FLUSH_KEY];
  return flushAll ? flushAll() : Promise.resolve();
}

/** The SDK's checkpoint calls (`/v1/checkpoint…`) tell Inngest that steps finished. */
export function isCheckpointCall(input: RequestInfo | URL): boolean {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return /\/v1\/checkpoint(\/|$|\?)/.test(url);
}

/** A fetch for the Inngest client: checkpoint calls go out only after the held records are written. */
export function writeRecordsBeforeCheckpoints(fetch: () => typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    if (isCheckpointCall(input)) await writeHeldStepRecords();
    return fetch()(input, init);
  };
}

/**
 * Wraps the handler of /api/inngest: its answer (a step's result, or a checkpointed request's final
 * ops) leaves only after the held records are written. If they cannot be, Inngest gets a 500 and
 * retries the request; the records stay held and are written on a later try.
 */
export function writeRecordsBeforeAnswer<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    const answer = await handler(...args);
    await writeHeldStepRecords();
    return answer;
  };
}
