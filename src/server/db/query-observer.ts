import type { Logger } from "drizzle-orm/logger";

/**
 * Lets a caller watch the SQL the app issues, without a driver-specific hook:
 * every drizzle client is created with `queryLogger`. Tests and the streaming
 * benchmark count queries with it (does the database load grow with the number
 * of subscribers?). With no observer it costs one empty-set check per query.
 */

export type QueryObserver = (sql: string) => void;

const observers = new Set<QueryObserver>();

/** Starts observing; the returned function stops. */
export function observeQueries(observer: QueryObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

export const queryLogger: Logger = {
  logQuery(sql) {
    if (observers.size === 0) return;
    for (const observer of observers) observer(sql);
  },
};
