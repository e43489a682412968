import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { runs, webhookDeliveries, workspaces } from "../db/schema";

/** `deleted` runs and webhook `deliveries`; `more` when either batch was full. */
export type RetentionReport = { deleted: number; deliveries: number; more: boolean };

/**
 * Deletes finished runs older than their workspace's retention (30 days unless
 * the workspace says otherwise), pinned runs excepted, at most `limit` per call so
 * one call never holds locks or runs for long; `more` says another call has work.
 * A run's steps, events, stored outputs and approvals go with it (foreign keys
 * cascade); a child run keeps existing, with its parent link cleared. Webhook
 * deliveries (which hold request bodies) go after the same number of days.
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
  const deliveryResult = await db.execute(sql`
    delete from ${webhookDeliveries}
    where ${webhookDeliveries.id} in (
      select d.id from ${webhookDeliveries} d
      join ${workspaces} w on w.id = d.workspace_id
      where d.received_at < ${now}::timestamptz - make_interval(days => w.run_retention_days)
      order by d.received_at asc
      limit ${options.limit}
      for update of d skip locked
    )
    returning ${webhookDeliveries.id}`);
  const deliveries = (deliveryResult as { rows?: unknown[] }).rows?.length ?? 0;
  return { deleted, deliveries, more: deleted === options.limit || deliveries === options.limit };
}
