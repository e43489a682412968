import os from "node:os";
import path from "node:path";

/**
 * The environment of a `next build` / `next start` child in tests: what the
 * test says and nothing from the developer's shell that could change what it
 * proves.
 *
 * Next loads `.env*` files but never overrides a variable that is already set,
 * even to "", so the identity, database and engine settings are pinned to ""
 * unless a test sets them (all of these read "" as unset). PGLITE_DIR points
 * away from the developer's `.data/`: PGlite has no lock, and a server that
 * wrongly fell back to the embedded database must not open a data dir that
 * `next dev` may have open.
 */

const INHERITED = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SYSTEMROOT"] as const;

const PINNED_EMPTY = [
  "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
  "CLERK_SECRET_KEY",
  "CLERK_JWT_KEY",
  "CLERK_AUTHORIZED_PARTIES",
  "CLERK_ENCRYPTION_KEY",
  "DATABASE_URL",
  "INNGEST_DEV",
  "INNGEST_EVENT_KEY",
  "INNGEST_SIGNING_KEY",
  "STEPWISE_EMBEDDED",
  "CRON_SECRET",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
] as const;

const RAISED_RATE_LIMITS = [
  "RATE_LIMIT_API_KEY",
  "RATE_LIMIT_SESSION",
  "RATE_LIMIT_AUTH_FAILURE",
  "RATE_LIMIT_WEBHOOK",
] as const;

export function isolatedEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  for (const key of PINNED_EMPTY) env[key] = "";
  env.PGLITE_DIR = path.join(os.tmpdir(), `stepwise-e2e-unused-pglite-${process.pid}`);
  // Vitest runs with NODE_ENV=test; `next` would keep it instead of production.
  // Suites send hundreds of requests a minute from one address; a test of the limits overrides these.
  for (const name of RAISED_RATE_LIMITS) env[name] = "100000/1m";
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...overrides };
}
