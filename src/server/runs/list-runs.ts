import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client";
import { type RunTrigger, runs } from "../db/schema";
import type { ListRunsQuery, RunListDto } from "./contracts";
import { toRunSummary } from "./to-dto";

/**
 * The workspace's runs, newest first, a page at a time. Run ids sort by
 * creation time, so the cursor is the last id of a page and the next page is
 * `id < cursor`: stable under concurrent inserts (new runs land before page
 * one), with no offset to skip or repeat rows.
 */
export async function listRuns(
  db: DatabaseOrTransaction,
  workspaceId: string,
  query: ListRunsQuery & { trigger?: RunTrigger; createdAfter?: Date; createdBefore?: Date },
): Promise<RunListDto> {
  const rows = await db
    .select()
    .from(runs)
    .where(
      and(
        eq(runs.workspaceId, workspaceId),
        query.workflowId ? eq(runs.workflowId, query.workflowId) : undefined,
        query.status ? eq(runs.status, query.status) : undefined,
        query.trigger ? eq(runs.trigger, query.trigger) : undefined,
        query.createdAfter ? gte(runs.createdAt, query.createdAfter) : undefined,
        query.createdBefore ? lt(runs.createdAt, query.createdBefore) : undefined,
        query.cursor ? lt(runs.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(runs.id))
    // One extra row says whether another page exists without a count query.
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { data: page.map(toRunSummary), nextCursor: rows.length > query.limit && last ? last.id : null };
}
