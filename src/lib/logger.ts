import pino from "pino";
import { getEnv } from "./env";

/**
 * Structured JSON logs (pino): one line per event, fields rather than prose, so
 * Vercel's log drains can filter by runId or requestId. Secrets are redacted by
 * key name wherever they appear.
 */
export const logger = pino({
  level: getEnv().LOG_LEVEL,
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
