import { getEnv } from "@/lib/env";
import { chooseDriver, migrationsFolder } from "./drivers";

/**
 * Applies drizzle/ to a real Postgres (node-postgres or Neon over WebSocket; the
 * migrators run inside one transaction). PGlite migrates itself on first use.
 */
export async function migrateDatabase(url: string, driver: "pg" | "neon"): Promise<void> {
  if (driver === "pg") {
    const { Client } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await migrate(drizzle({ client }), { migrationsFolder: migrationsFolder() });
    } finally {
      await client.end();
    }
    return;
  }
  const { Pool, neonConfig } = await import("@neondatabase/serverless");
  const { drizzle } = await import("drizzle-orm/neon-serverless");
  const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
  const { WebSocket } = await import("ws");
  neonConfig.webSocketConstructor = WebSocket;
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: migrationsFolder() });
  } finally {
    await pool.end();
  }
}

/**
 * Migrates whatever DATABASE_URL points at. The embedded database is opened the
 * way the app opens it (locked, then migrated), so this refuses while the app
 * has the directory open instead of corrupting it.
 */
export async function migrateConfiguredDatabase(): Promise<string> {
  const choice = chooseDriver(getEnv());
  if (choice.driver === "pglite") {
    const { closeDb, getConnection } = await import("./client");
    try {
      await getConnection();
    } finally {
      await closeDb();
    }
    return `pglite (${choice.dataDir})`;
  }
  await migrateDatabase(choice.url, choice.driver);
  return choice.driver;
}
