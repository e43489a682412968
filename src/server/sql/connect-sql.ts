import pg from "pg";
import { NodeExecutionError } from "@/engine";
import { getEnv, sqlNodesMayReachLocalAddresses } from "@/lib/env";
import { assertHostAllowed, guardedSocket } from "./database-egress";

/** Connecting is bounded on its own: `timeoutMs` bounds statements, not a slow handshake. */
const CONNECT_TIMEOUT_MS = 10_000;
/** pg's client-side backstop fires this long after statement_timeout should have. */
const READ_TIMEOUT_GRACE_MS = 2_000;

/**
 * Types returned as the server's text rather than JS objects: a `date` parsed into a Date shifts with
 * the app's time zone, bytea would become a Buffer and interval an object, none of which survive JSON.
 */
const RAW_TEXT_TYPES = new Set([17, 1001, 1082, 1083, 1114, 1184, 1186, 1266]);

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    RAW_TEXT_TYPES.has(oid)
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A new client for one node execution (closed by the caller): no pool outlives a step, since each step
 * may run in a different serverless invocation. Refuses a URL that is not postgres:// and, in
 * production, a host on the app's own machine (see database-egress.ts).
 */
export function createSqlConnection(url: string, timeoutMs: number): pg.Client {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new NodeExecutionError("config.credential: the credential's secret is not a postgres:// URL", {
      code: "sql_credential",
      retriable: false,
    });
  }
  const guarded = !sqlNodesMayReachLocalAddresses(getEnv());
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Also set per transaction; at start-up it bounds the statements the node itself sends.
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + READ_TIMEOUT_GRACE_MS,
      application_name: "stepwise-sql-node",
      types,
      ...(guarded ? { stream: guardedSocket() } : {}),
    });
  } catch {
    // pg-connection-string's messages can quote the URL.
    throw new NodeExecutionError(
      "config.credential: the credential's secret is not a valid postgres:// URL",
      {
        code: "sql_credential",
        retriable: false,
      },
    );
  }
  if (guarded) assertHostAllowed(client.host);
  // A connection dropped between queries is reported on the pending query; this only stops the
  // 'error' event from crashing the process.
  client.on("error", () => undefined);
  return client;
}
