import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";

export type TestDriver = "pglite" | "postgres";

export type TestDatabase = { driver: TestDriver; url: string; drop: () => Promise<void> };

/**
 * A fresh database cloned from the migrated template. Real PostgreSQL is
 * required on CI; elsewhere its tests are skipped with the reason printed.
 */
export async function createTestDatabase(driver: TestDriver): Promise<TestDatabase> {
  if (driver === "pglite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "stepwise-pglite-"));
    cpSync(inject("pgliteTemplateDir"), dir, { recursive: true });
    return { driver, url: `pglite:${dir}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const template = inject("postgresTemplate");
  if (!template) throw new Error(inject("postgresUnavailable") ?? "PostgreSQL template missing");
  const adminUrl = inject("postgresAdminUrl");
  const name = `stepwise_test_${randomBytes(6).toString("hex")}`;
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    driver,
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Whether tests on the real PostgreSQL can run; on CI they must. */
export function postgresAvailability(): { available: boolean; reason: string | null } {
  const reason = inject("postgresUnavailable");
  if (reason && process.env.CI) throw new Error(`CI requires PostgreSQL: ${reason}`);
  if (reason) console.warn(`[tests] skipping PostgreSQL variants: ${reason}`);
  return { available: reason === null, reason };
}
