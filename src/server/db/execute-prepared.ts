import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import type { Database } from "./client";
import { queryLogger } from "./query-observer";

type Query = { sql: string; params: unknown[] };
type Pool = { query: (config: { name: string; text: string; values: unknown[] }) => Promise<unknown> };

/**
 * Runs a statement as a named prepared statement where the driver has them (node-postgres and
 * Neon's pool): PostgreSQL then plans it once per connection instead of on every call. For the write
 * of a node's progress — one statement of several common table expressions, run for every node of
 * every run — planning took longer than executing. The name is derived from the text, so each
 * distinct statement is prepared once. PGlite runs it as usual.
 */
export async function executePrepared(db: Database, statement: SQL): Promise<unknown> {
  const client = (db as { $client?: unknown }).$client;
  if (!isPool(client)) return db.execute(statement);
  const query = (db as unknown as { dialect: { sqlToQuery(sql: SQL): Query } }).dialect.sqlToQuery(statement);
  queryLogger.logQuery(query.sql, query.params);
  const name = `stepwise_${createHash("sha1").update(query.sql).digest("hex").slice(0, 24)}`;
  return client.query({ name, text: query.sql, values: query.params });
}

/** A connection pool (node-postgres or Neon's); PGlite has `query` too, but no pool counters. */
function isPool(client: unknown): client is Pool {
  return (
    typeof client === "object" &&
    client !== null &&
    "totalCount" in client &&
    typeof (client as { query?: unknown }).query === "function"
  );
}
