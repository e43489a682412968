import { mkdirSync } from "node:fs";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { getEnv } from "@/lib/env";
import { chooseDriver, type DriverChoice, migrationsFolder } from "./drivers";
import { queryLogger } from "./query-observer";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions take either, so a use-case can compose them inside one transaction. */
export type DatabaseOrTransaction = Database | Transaction;

type Connection = { db: Database; driver: DriverChoice["driver"]; close: () => Promise<void> };

async function connect(choice: DriverChoice, poolMax: number): Promise<Connection> {
  switch (choice.driver) {
    case "pglite": {
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      if (choice.dataDir !== "memory") mkdirSync(choice.dataDir, { recursive: true });
      const client = new PGlite(choice.dataDir === "memory" ? undefined : choice.dataDir);
      const db = drizzle({ client, schema, logger: queryLogger });
      // The embedded database migrates itself on first use: no set-up step for a new clone.
      await migrate(db, { migrationsFolder: migrationsFolder() });
      return { db: db as unknown as Database, driver: "pglite", close: () => client.close() };
    }
    case "pg": {
      const { Pool } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const pool = new Pool({ connectionString: choice.url, max: poolMax });
      const db = drizzle({ client: pool, schema, logger: queryLogger });
      return { db: db as unknown as Database, driver: "pg", close: () => pool.end() };
    }
    case "neon": {
      const { Pool, neonConfig } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      const { WebSocket } = await import("ws");
      // Node 20 has no global WebSocket; Neon's pooled driver speaks Postgres over one.
      neonConfig.webSocketConstructor = WebSocket;
      const pool = new Pool({ connectionString: choice.url, max: poolMax });
      const db = drizzle({ client: pool, schema, logger: queryLogger });
      return { db: db as unknown as Database, driver: "neon", close: () => pool.end() };
    }
  }
}

let connection: Promise<Connection> | undefined;

/** The process-wide database, connected (and for PGlite migrated) on first use. */
export async function getDb(): Promise<Database> {
  return (await getConnection()).db;
}

export function getConnection(): Promise<Connection> {
  if (!connection) {
    const env = getEnv();
    connection = connect(chooseDriver(env), env.DATABASE_POOL_MAX);
    // A failed connect must not poison every later request.
    connection.catch(() => {
      connection = undefined;
    });
  }
  return connection;
}

export async function closeDb(): Promise<void> {
  const current = connection;
  connection = undefined;
  if (current) await (await current).close();
}
