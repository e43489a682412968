import { isNodeExecutionError, NodeExecutionError, type SqlParam } from "@/engine";
import type { SqlMode } from "./sql-policy";

type ErrorContext = { secret: string; params: SqlParam[]; timeoutMs: number; mode: SqlMode };

/** SQLSTATE classes and codes a later attempt can get past: the database was busy, not wrong. */
const RETRIABLE_SQLSTATE = /^(08|53|57P0[1-5]|40001|40P01|55P03|58)/;

/** Network failures from Node's socket layer: worth another attempt. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

/**
 * Maps anything `pg` throws to the node's error: retriable for connection failures, timeouts,
 * serialization failures and deadlocks; final for what the author must fix, naming the config field.
 * The connection URL and its password are scrubbed from every message, and the param values from what
 * the server says (it quotes them: `invalid input syntax for type integer: "…"`, `Key (email)=(…)`).
 */
export function toSqlNodeError(thrown: unknown, context: ErrorContext): NodeExecutionError {
  if (isNodeExecutionError(thrown)) return thrown;
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const code = (error as { code?: unknown }).code;
  const message = redactParams(redact(error.message, context.secret), context.params);
  const fail = (text: string, options: { code: string; retriable: boolean; details?: unknown }) =>
    new NodeExecutionError(redact(text, context.secret), options);

  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    const details = { sqlstate: code };
    if (code === "57014") {
      return fail(`Statement timed out after ${context.timeoutMs} ms (config.timeoutMs)`, {
        code: "timeout",
        retriable: true,
        details,
      });
    }
    if (RETRIABLE_SQLSTATE.test(code)) {
      return fail(`Database temporarily unavailable (${code}): ${message}`, {
        code: "sql_unavailable",
        retriable: true,
        details,
      });
    }
    if (code.startsWith("28") || code === "3D000") {
      return fail(`config.credential: the database refused the connection: ${message}`, {
        code: "sql_credential",
        retriable: false,
        details,
      });
    }
    if (code === "25006") return readOnlyError(message, context.mode, details, fail);
    return fail(`SQL error ${code}: ${message}${hintOf(error, context)}`, {
      code: "sql_error",
      retriable: false,
      details,
    });
  }
  if (message === "Query read timeout") {
    // pg's own backstop, a little after statement_timeout should have fired.
    return fail(`Statement timed out after ${context.timeoutMs} ms (config.timeoutMs)`, {
      code: "timeout",
      retriable: true,
    });
  }
  if (
    (typeof code === "string" && NETWORK_CODES.has(code)) ||
    /connection|timeout|terminated/i.test(message)
  ) {
    return fail(`Could not reach the database: ${message}`, { code: "sql_connection", retriable: true });
  }
  if (typeof code === "string" && /CERT|SSL|TLS/.test(code)) {
    return fail(`config.credential: TLS failed: ${message}`, { code: "sql_credential", retriable: false });
  }
  // Anything else (a driver bug, an unexpected protocol state) may well pass on a fresh connection.
  return fail(`Database call failed: ${message}`, { code: "sql_connection", retriable: true });
}

function readOnlyError(
  message: string,
  mode: SqlMode,
  details: { sqlstate: string },
  fail: (
    text: string,
    options: { code: string; retriable: boolean; details?: unknown },
  ) => NodeExecutionError,
): NodeExecutionError {
  if (mode === "write") {
    return fail(`The database only accepts reads (a replica?): ${message}`, {
      code: "sql_read_only",
      retriable: false,
      details,
    });
  }
  // The parser saw a read, but something in it writes (a function, a sequence).
  return fail(
    `${message}: the statement ran in a READ ONLY transaction and tried to write (through a function?); set allowWrites: true and dryRun: false to let it write`,
    { code: "sql_read_only", retriable: false, details },
  );
}

function hintOf(error: Error, context: ErrorContext): string {
  const { detail, hint } = error as { detail?: unknown; hint?: unknown };
  const parts = [detail, hint].filter((part): part is string => typeof part === "string" && part !== "");
  return parts.length === 0
    ? ""
    : ` (${redactParams(redact(parts.join("; "), context.secret), context.params)})`;
}

/**
 * Removes every param value (as the server prints it) from a server message: params carry the run's
 * data, which may be secret. Values shorter than 3 characters, booleans and NULL are left alone: they
 * cannot be told apart from the message's own words.
 */
export function redactParams(text: string, params: SqlParam[]): string {
  const values = params
    .flat()
    .filter((value): value is string | number => typeof value === "string" || typeof value === "number")
    .map(String)
    .filter((value) => value.length >= 3)
    .sort((a, b) => b.length - a.length);
  let result = text;
  for (const value of values) result = result.split(value).join("[param]");
  return result;
}

/** Removes the connection URL, and its password on its own (as written and decoded), from a message. */
export function redact(text: string, secret: string): string {
  let result = text;
  for (const value of [secret, ...passwordsOf(secret)]) {
    if (value.length >= 3) result = result.split(value).join("***");
  }
  return result;
}

function passwordsOf(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password === "" ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
