import pino from "pino";
import { getEnv } from "./env";
import { requestContext } from "./request-context";

/**
 * Structured JSON logs (pino): one line per event, fields rather than prose, so
 * Vercel's log drains can filter by runId or requestId. Every line written while
 * a request is served or a run executes carries that context's ids (requestId,
 * runId, nodeId, attempt; see request-context.ts). Secrets are redacted by key
 * name wherever they appear, and errors lose the SQL and data they carry.
 */

/**
 * Errors that carry a statement and its parameters in their message: drizzle's
 * "Failed query: <sql>\nparams: <values>" — user data and possibly secrets.
 */
const QUERY_MESSAGE = /^Failed query:/;
/** What such a message becomes: the driver's own message and code follow as its cause. */
const QUERY_MESSAGE_REPLACEMENT = "Failed query (statement and parameters not logged)";
/** Error fields that hold SQL, its parameters or the data a statement choked on (drizzle, pg). */
const DATA_FIELDS = new Set(["query", "params", "parameters", "detail", "where", "internalQuery"]);

/**
 * pino's error serializer (message and stack with every cause), minus what a
 * database error says about the data: each query-bearing message anywhere in the
 * chain is replaced wherever it was copied (message, stack, nested errors), and
 * data-bearing fields are dropped. Matching the exact messages rather than
 * parsing the text holds when a parameter spans lines.
 */
function errorSerializer(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  const { messages, code } = queryErrors(error);
  const scrubbed = scrub(serialized, messages);
  // The driver's SQLSTATE says what went wrong without the data (pino leaves causes' fields out).
  return code && scrubbed && typeof scrubbed === "object" ? { ...scrubbed, sqlState: code } : scrubbed;
}

/** The query-bearing messages in an error's chain (longest first), and the first one's driver code. */
function queryErrors(error: unknown): { messages: string[]; code?: string } {
  const messages: string[] = [];
  let code: string | undefined;
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const { message, cause, errors, error: inner } = current as Record<string, unknown>;
    if (typeof message === "string" && QUERY_MESSAGE.test(message)) {
      messages.push(message);
      const causeCode = (cause as { code?: unknown } | undefined)?.code;
      if (code === undefined && typeof causeCode === "string") code = causeCode;
    }
    queue.push(cause, inner);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  // A message that contains another is replaced whole.
  return { messages: messages.sort((a, b) => b.length - a.length), code };
}

function scrub(value: unknown, hidden: readonly string[], depth = 0): unknown {
  if (typeof value === "string") {
    let text = value;
    for (const message of hidden) text = text.split(message).join(QUERY_MESSAGE_REPLACEMENT);
    return QUERY_MESSAGE.test(text) ? QUERY_MESSAGE_REPLACEMENT : text;
  }
  if (value === null || typeof value !== "object") return value;
  // Deeper than any error's own fields go: not worth walking, nor printing unscrubbed.
  if (depth > 8) return "[nested too deep]";
  if (Array.isArray(value)) return value.map((item) => scrub(item, hidden, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!DATA_FIELDS.has(key)) out[key] = scrub(item, hidden, depth + 1);
  }
  return out;
}

type LineSink = { write: (line: string) => void };

const stdout: LineSink = pino.destination({ dest: process.stdout.fd || 1 });
let sink: LineSink = stdout;

/**
 * Sends every log line (one JSON text each) to `write` instead of stdout until
 * the returned function is called: tests read what the app logs this way.
 */
export function captureLogLines(write: (line: string) => void): () => void {
  const capturing: LineSink = { write };
  sink = capturing;
  return () => {
    if (sink === capturing) sink = stdout;
  };
}

export const logger = pino(
  {
    level: getEnv().LOG_LEVEL,
    serializers: { err: errorSerializer },
    base: { service: "stepwise" },
    // The current request's or run's ids; a field the call names itself wins.
    mixin: () => ({ ...requestContext() }),
    redact: {
      paths: [
        "authorization",
        "*.authorization",
        "headers.authorization",
        "*.headers.authorization",
        "*.apiKey",
        "*.secret",
        "*.password",
        "*.token",
        "*.signingKey",
      ],
      censor: "[redacted]",
    },
  },
  { write: (line: string) => sink.write(line) },
);

export type Logger = typeof logger;
