/**
 * Whether an error means "the database cannot be reached right now" rather than
 * "this query is wrong". The one place that knows what an outage looks like for
 * each driver; routes answer 503 + Retry-After for these and 500 for the rest.
 *
 * Drivers disagree on shape, so the whole chain is inspected: drizzle wraps the
 * driver's error as `cause`, Node wraps dual-stack connect failures in an
 * AggregateError, and Neon's WebSocket hands over an ErrorEvent with `.error`.
 */

/** Socket-level failures from Node (and from `ws` under Neon's driver). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** SQLSTATEs that say the server (not the statement) is the problem. Class 08 is matched as a class. */
const SERVER_STATES = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "53300", // too_many_connections
]);

/** What getDb() throws once the process has started to exit. */
export const DATABASE_SHUT_DOWN = "The database is closed: the server is shutting down";

/**
 * Errors the drivers raise without a code. Matched exactly (anchored), so a
 * message that merely quotes one of these words is not an outage.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/, // pg
  /^timeout exceeded when trying to connect$/, // pg-pool
  /^Query read timeout$/, // pg: query_timeout, the server stopped answering
  /^Client has encountered a connection error and is not queryable$/, // pg
  /^Client was closed and is not queryable$/, // pg
  /^Cannot use a pool after calling end on the pool$/, // pg-pool, while the app shuts down
  /^WebSocket was closed before the connection was established$/, // ws under Neon
  /^Unexpected server response: 5\d\d$/, // ws under Neon: the proxy is down
  /^PGlite is closed$/, // the embedded database, while the app shuts down
];

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    if (looksUnavailable(current)) return true;
    const { cause, error: inner, errors } = current as { cause?: unknown; error?: unknown; errors?: unknown };
    queue.push(cause, inner);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}

function looksUnavailable(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code) || SERVER_STATES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (typeof message !== "string") return false;
  return message === DATABASE_SHUT_DOWN || DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}
