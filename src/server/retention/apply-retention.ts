import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { runs, workspaces } from "../db/schema";

export type RetentionReport = { deleted: number; more: boolean };

/**
 * Deletes finished runs older than their workspace's retention (30 days unless
 * the workspace says otherwise), pinned runs excepted, at most `limit` per call so
 * one call never holds locks or runs for long; `more` says another call has work.
 * A run's steps, events, stored outputs and approvals go with it (foreign keys
 * cascade); a child run keeps existing, with its parent link cleared.
 */
export async function applyRetention(
  db: Database,
  options: { limit: number; now?: Date },
): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const result = await db.execute(sql`
    delete from ${runs}
    where ${runs.id} in (
      select r.id from ${runs} r
      join ${workspaces} w on w.id = r.workspace_id
      where r.finished_at is not null
        and r.status in ('succeeded', 'partial', 'failed', 'cancelled')
        and not r.pinned
        and r.finished_at < ${now}::timestamptz - make_interval(days => w.run_retention_days)
      order by r.finished_at asc
      limit ${options.limit}
      for update of r skip locked
    )
    returning ${runs.id}`);
  const deleted = (result as { rows?: unknown[] }).rows?.length ?? 0;
  return { deleted, more: deleted === options.limit };
}
