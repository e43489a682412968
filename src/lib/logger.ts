import pino from "pino";
import { getEnv } from "./env";

/**
 * Structured JSON logs (pino): one line per event, fields rather than prose, so
 * Vercel's log drains can filter by runId or requestId. Secrets are redacted by
 * key name wherever they appear.
 */
/**
 * Database errors from drizzle carry the query and its parameters in their
 * message — user data and possibly secrets. Logs keep the driver's own message
 * and code instead.
 */
function errorSerializer(error: unknown) {
  const serialized = pino.stdSerializers.err(error as Error);
  if (typeof serialized?.message === "string" && serialized.message.startsWith("Failed query:")) {
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    return {
      type: serialized.type,
      message: `Database query failed: ${cause?.message ?? "unknown cause"}`,
      code: cause?.code,
      stack: serialized.stack?.split("\n").slice(1).join("\n"),
    };
  }
  return serialized;
}

export const logger = pino({
  level: getEnv().LOG_LEVEL,
  serializers: { err: errorSerializer },
  base: { service: "stepwise" },
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
});

export type Logger = typeof logger;
