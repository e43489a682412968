import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildForTests } from "./next-build";

/**
 * Migrates one template database per driver, once per test run; every test file
 * then clones it (a directory copy for PGlite, CREATE DATABASE … TEMPLATE for
 * PostgreSQL) instead of paying initdb + migrations again. It also builds the app
 * once for the end-to-end tests under `next start` (skipped when unchanged).
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const CACHE = path.join(ROOT, ".test-data");

export const DEFAULT_TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

function migrationsHash(): string {
  const dir = path.join(ROOT, "drizzle");
  const hash = createHash("sha256");
  for (const file of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, file);
    if (file.endsWith(".sql") || file.endsWith(".json")) hash.update(file).update(readFileSync(full));
  }
  return hash.digest("hex").slice(0, 12);
}

async function pgliteTemplate(hash: string): Promise<string> {
  const dir = path.join(CACHE, `pglite-template-${hash}`);
  if (existsSync(path.join(dir, "PG_VERSION"))) return dir;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = new PGlite(building);
  await migrate(drizzle({ client }), { migrationsFolder: path.join(ROOT, "drizzle") });
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  cpSync(building, dir, { recursive: true });
  rmSync(building, { recursive: true, force: true });
  return dir;
}

async function postgresTemplate(
  hash: string,
  adminUrl: string,
): Promise<{ name: string } | { unavailable: string }> {
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return { unavailable: `PostgreSQL at ${adminUrl} is not reachable (${(error as Error).message})` };
  }
  try {
    const name = `stepwise_test_tpl_${hash}`;
    const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_building_${process.pid}`;
      await admin.query(`drop database if exists ${building}`);
      await admin.query(`create database ${building}`);
      const url = new URL(adminUrl);
      url.pathname = `/${building}`;
      const { migrateDatabase } = await import("../../src/server/db/migrate");
      await migrateDatabase(url.toString(), "pg");
      try {
        await admin.query(`alter database ${building} rename to ${name}`);
      } catch (error) {
        // Another test process built the same template meanwhile (42P04: it exists now): use theirs.
        if ((error as { code?: string }).code !== "42P04") throw error;
        await admin.query(`drop database if exists ${building}`);
      }
    }
    return { name };
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  mkdirSync(CACHE, { recursive: true });
  const hash = migrationsHash();
  const adminUrl = process.env.TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL;
  const [pglite, postgres, build] = await Promise.all([
    pgliteTemplate(hash),
    postgresTemplate(hash, adminUrl),
    buildForTests(),
  ]);
  console.log(
    `[tests] app build for e2e: ${build.reused ? "reused" : "built"} in ${(build.durationMs / 1000).toFixed(1)} s`,
  );
  project.provide("pgliteTemplateDir", pglite);
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresTemplate", "name" in postgres ? postgres.name : null);
  project.provide("postgresUnavailable", "unavailable" in postgres ? postgres.unavailable : null);
  return () => build.release();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresAdminUrl: string;
    postgresTemplate: string | null;
    postgresUnavailable: string | null;
  }
}
