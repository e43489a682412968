import { randomBytes } from "node:crypto";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

/** The machine's PostgreSQL, as the tests and bench:sse use it. */
export const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type BenchDatabase = { name: string; url: string; drop: () => Promise<void> };

/** A fresh, migrated database for one benchmark run; `drop()` removes it (force: the app may still hold a connection). */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `stepwise_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await migrate(drizzle({ client }), {
      migrationsFolder: path.join(import.meta.dirname, "..", "..", "drizzle"),
    });
  } finally {
    await client.end();
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    const cleaner = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await cleaner.connect();
    try {
      await cleaner.query(`drop database if exists ${name} with (force)`);
    } finally {
      await cleaner.end();
    }
  };
  return { name, url: url.toString(), drop };
}
