import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line carries while the process serves a request or executes a run, so the lines
 * of one request (or one run, one node) can be found together without passing ids to each call.
 * The logger reads it (see `mixin` in logger.ts); code rarely needs to.
 */
export type RequestContext = {
  /** The request being served, or inside a run the request that started it. */
  requestId?: string;
  runId?: string;
  nodeId?: string;
  /** Inngest's attempt number of the step being executed (0 for the first). */
  attempt?: number;
};

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` with `fields` added to the current context (an inner field replaces an outer one,
 * `undefined` included: a run's lines name the request that started it or none, never the
 * executor's own call).
 */
export function withRequestContext<T>(fields: RequestContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/**
 * Adds fields to the current context in place, for code that learns them after the context
 * began: Inngest's middleware learns which run a call is for only once the SDK has parsed it.
 * Contexts entered before keep what they copied; outside any context this does nothing.
 */
export function extendRequestContext(fields: RequestContext): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
}

/** The context of the code running now, or undefined outside any request or run. */
export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}
