// Holds the database connection: a client component importing this must fail the build, not ship it to the browser.
import "server-only";
import { mkdirSync } from "node:fs";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { getEnv } from "@/lib/env";
import { DATABASE_SHUT_DOWN } from "./database-unavailable";
import { chooseDriver, type DriverChoice, migrationsFolder } from "./drivers";
import { lockDataDir } from "./pglite-lock";
import { queryLogger } from "./query-observer";
import { tracePgliteQueries, tracePoolQueries } from "./query-spans";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions take either, so a use-case can compose them inside one transaction. */
export type DatabaseOrTransaction = Database | Transaction;

type Connection = { db: Database; driver: DriverChoice["driver"]; close: () => Promise<void> };

type PoolOptions = { max: number; connectTimeoutMs: number; queryTimeoutMs: number };

/** Pool settings shared by node-postgres and Neon (whose Pool is pg's, over a WebSocket). */
function poolConfig(url: string, options: PoolOptions) {
  return {
    connectionString: url,
    max: options.max,
    // A dead database must answer 503 in seconds, not hang every request on connect.
    connectionTimeoutMillis: options.connectTimeoutMs,
    // …and one that accepts connections but stops answering (frozen, partitioned) as well.
    query_timeout: options.queryTimeoutMs,
    keepAlive: true,
  };
}

type ErrorEmitter = { on: (event: "error", listener: (error: Error) => void) => unknown };
type PoolEvents = ErrorEmitter & {
  on: (event: "connect", listener: (client: ErrorEmitter) => void) => unknown;
};

/**
 * A connection that dies emits 'error': on the pool while idle, on the client
 * itself while checked out (mid-transaction, between statements). Unhandled,
 * either one kills the process; the query in flight fails on its own, and the
 * pool drops the broken client when it is released.
 */
function survivePoolErrors(pool: PoolEvents) {
  const onError = (error: Error) => {
    // Loaded here, not at the top: the logger reads the configuration as it loads.
    void import("@/lib/logger").then(({ logger }) =>
      logger.warn({ err: error }, "database: a connection failed"),
    );
  };
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", onError));
}

async function connect(choice: DriverChoice, options: PoolOptions): Promise<Connection> {
  switch (choice.driver) {
    case "pglite":
      return connectPglite(choice.dataDir);
    case "pg": {
      const { Pool } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const pool = new Pool(poolConfig(choice.url, options));
      survivePoolErrors(pool);
      tracePoolQueries(pool);
      const db = drizzle({ client: pool, schema, logger: queryLogger });
      return { db: db as unknown as Database, driver: "pg", close: () => pool.end() };
    }
    case "neon": {
      const { Pool, neonConfig } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      const { WebSocket } = await import("ws");
      // Node 20 has no global WebSocket; Neon's pooled driver speaks Postgres over one.
      neonConfig.webSocketConstructor = WebSocket;
      const pool = new Pool(poolConfig(choice.url, options));
      survivePoolErrors(pool);
      tracePoolQueries(pool);
      const db = drizzle({ client: pool, schema, logger: queryLogger });
      return { db: db as unknown as Database, driver: "neon", close: () => pool.end() };
    }
  }
}

/** Opens (locks, and on first use migrates) the embedded database. */
async function connectPglite(dataDir: string | "memory"): Promise<Connection> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  // The lock comes before the first byte is read: a second process must never open the directory.
  const lock = dataDir === "memory" ? undefined : lockDataDir(dataDir);
  let client: InstanceType<typeof PGlite> | undefined;
  try {
    if (dataDir !== "memory") mkdirSync(dataDir, { recursive: true });
    client = new PGlite(dataDir === "memory" ? undefined : dataDir);
    tracePgliteQueries(client);
    const db = drizzle({ client, schema, logger: queryLogger });
    // The embedded database migrates itself on first use: no set-up step for a new clone.
    await migrate(db, { migrationsFolder: migrationsFolder() });
    const opened = client;
    return {
      db: db as unknown as Database,
      driver: "pglite",
      close: async () => {
        try {
          await opened.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    await client?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}

/**
 * The process's one database handle lives on globalThis, not in this module:
 * Next bundles this file separately for pages, route handlers and
 * instrumentation (and re-evaluates it on hot reload), and each copy must share
 * one pool, and above all one PGlite instance per data directory.
 */
type Handle = { connection?: Promise<Connection>; closing?: Promise<void>; shutDown?: boolean };
const HANDLE_KEY = Symbol.for("stepwise.database");

function handle(): Handle {
  const scope = globalThis as { [HANDLE_KEY]?: Handle };
  scope[HANDLE_KEY] ??= {};
  return scope[HANDLE_KEY];
}

/** The process-wide database, connected (and for PGlite locked and migrated) on first use. */
export async function getDb(): Promise<Database> {
  return (await getConnection()).db;
}

export async function getConnection(): Promise<Connection> {
  const current = handle();
  // Work still arriving while the process exits must not reopen (and leave unclosed) the database.
  if (current.shutDown) throw new Error(DATABASE_SHUT_DOWN);
  // A close in progress finishes first, so a reopen never overlaps the old PGlite instance.
  if (current.closing) await current.closing;
  if (!current.connection) {
    const env = getEnv();
    const connecting = connect(chooseDriver(env), {
      max: env.DATABASE_POOL_MAX,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
    });
    current.connection = connecting;
    // A failed connect must not poison every later request.
    connecting.catch(() => {
      if (current.connection === connecting) current.connection = undefined;
    });
  }
  return current.connection;
}

/** Closes the database for good: the process is exiting. Later getDb() calls fail (503 for a request). */
export function shutdownDb(): Promise<void> {
  handle().shutDown = true;
  return closeDb();
}

/** Closes the handle (idempotent; concurrent callers share one close). The next getDb() reopens. */
export function closeDb(): Promise<void> {
  const current = handle();
  if (current.closing) return current.closing;
  const connection = current.connection;
  current.connection = undefined;
  if (!connection) return Promise.resolve();
  const closing = (async () => {
    let opened: Connection;
    try {
      opened = await connection;
    } catch {
      return; // it never opened: nothing to close
    }
    await opened.close();
  })().finally(() => {
    current.closing = undefined;
  });
  current.closing = closing;
  return closing;
}
