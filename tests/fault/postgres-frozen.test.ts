import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import {
  findPostgresBinaries,
  type PrivatePostgres,
  startPrivatePostgres,
} from "../helpers/private-postgres";

/**
 * A database that stops answering without going away (every PostgreSQL process
 * SIGSTOPped: connections stay open, the port accepts, nothing comes back) must
 * not hang requests: within the connect and query bounds they answer 503
 * `unavailable` with Retry-After, and once it answers again so does the app.
 */

const QUERY_TIMEOUT_MS = 1_000;
const bin = findPostgresBinaries();
if (!bin && process.env.CI) throw new Error("CI requires PostgreSQL binaries for the frozen-database test");

let postgres: PrivatePostgres | undefined;
let app: AppServer | undefined;

async function call(path: string) {
  const started = Date.now();
  const response = await fetch(`${app?.url}${path}`, { signal: AbortSignal.timeout(15_000) });
  const body = (await response.json()) as { error?: { code?: string } };
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body,
    ms: Date.now() - started,
  };
}

describe.skipIf(!bin)("PostgreSQL stops answering", () => {
  beforeAll(async () => {
    if (!bin) return;
    postgres = await startPrivatePostgres(bin);
    process.env.DATABASE_URL = postgres.url;
    process.env.DATABASE_CONNECT_TIMEOUT_MS = String(QUERY_TIMEOUT_MS);
    process.env.DATABASE_QUERY_TIMEOUT_MS = String(QUERY_TIMEOUT_MS);
    process.env.DATABASE_POOL_MAX = "4";
    process.env.INNGEST_DEV = "http://127.0.0.1:9";
    process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "silent";
    const { migrateDatabase } = await import("@/server/db/migrate");
    await migrateDatabase(postgres.url, "pg");
    const { startAppServer } = await import("../helpers/app-server");
    app = await startAppServer();
  }, 120_000);

  afterAll(async () => {
    try {
      postgres?.thaw();
      await app?.close();
      const { closeDb } = await import("@/server/db/client");
      await Promise.race([closeDb(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    } finally {
      postgres?.destroy();
    }
  }, 60_000);

  it("answers 503 with Retry-After within its bounds while frozen, and 200 once it answers again", async () => {
    const db = postgres as PrivatePostgres;
    expect((await call("/api/workflows")).status).toBe(200);

    db.freeze();
    try {
      // On a connection the pool already holds (query timeout) and on a new one (connect timeout).
      const answers = await Promise.all([
        call("/api/workflows"),
        call("/api/workflows"),
        call("/api/health/ready"),
      ]);
      for (const answer of answers.slice(0, 2)) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(503);
        expect(answer.body.error?.code).toBe("unavailable");
        expect(answer.retryAfter).not.toBeNull();
      }
      expect(answers[2]?.status).toBe(503);
      for (const answer of answers) expect(answer.ms).toBeLessThan(QUERY_TIMEOUT_MS * 2 + 2_000);
    } finally {
      db.thaw();
    }

    let after = await call("/api/workflows");
    for (let i = 0; i < 20 && after.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await call("/api/workflows");
    }
    expect(after.status, JSON.stringify(after.body)).toBe(200);
  }, 60_000);
});
