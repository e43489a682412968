import { inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { rowsOf } from "../db/rows-of";
import { type Run, runs } from "../db/schema";

export type StuckRunThresholds = {
  /** A queued run not dispatched (or not started) for this long is looked at. */
  queuedAfterMs: number;
  /** A running or waiting run without progress for this long is looked at. */
  stalledAfterMs: number;
  limit: number;
};

/**
 * Takes a batch of runs that look stuck and stamps them `reconciled_at`, in one
 * statement, skipping rows another reconciler holds: two calls at once get
 * different runs, and a run is looked at again only after its threshold has
 * passed once more (a run sleeping for a week is asked about a few times an
 * hour, not on every call). Oldest-looked-at first, so every stuck run gets a turn.
 */
export async function takeStuckRuns(db: Database, now: Date, limits: StuckRunThresholds): Promise<Run[]> {
  const queuedCutoff = new Date(now.getTime() - limits.queuedAfterMs);
  const stalledCutoff = new Date(now.getTime() - limits.stalledAfterMs);
  const result = await db.execute(sql`
    update ${runs} set reconciled_at = ${now}
    where ${runs.id} in (
      select id from ${runs}
      where (
        status = 'queued'
        and coalesce(dispatched_at, created_at) < ${queuedCutoff}
        and (reconciled_at is null or reconciled_at < ${queuedCutoff})
      ) or (
        status in ('running', 'waiting')
        and last_progress_at < ${stalledCutoff}
        and (reconciled_at is null or reconciled_at < ${stalledCutoff})
      )
      order by reconciled_at asc nulls first, last_progress_at asc
      limit ${limits.limit}
      for update skip locked
    )
    returning id`);
  const ids = rowsOf(result).map((row) => String(row.id));
  if (ids.length === 0) return [];
  return db.select().from(runs).where(inArray(runs.id, ids));
}
