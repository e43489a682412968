import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import type { RunEventMessage } from "../../../inngest/channels";
import type { Database } from "../db/client";
import { runEvents } from "../db/schema";
import { getRunOrThrow } from "./queries";
import { toRunEventMessage } from "./run-event-message";

export const RUN_EVENTS_PAGE_MAX = 500;

export const RunEventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe("Events with a seq greater than this"),
  limit: z.coerce.number().int().min(1).max(RUN_EVENTS_PAGE_MAX).default(RUN_EVENTS_PAGE_MAX),
});
export type RunEventsQuery = z.infer<typeof RunEventsQuery>;

export type RunEventsPage = { data: RunEventMessage[]; more: boolean };

/**
 * A run's stored events after a seq, in order, at most `limit`: how the run page
 * fills a gap that its live subscription left (a publish lost, or sent between
 * the server render and the subscription). Another workspace's run is not found.
 */
export async function readRunEvents(
  db: Database,
  args: { workspaceId: string; runId: string; query: RunEventsQuery },
): Promise<RunEventsPage> {
  const { workspaceId, runId, query } = args;
  await getRunOrThrow(db, workspaceId, runId);
  const rows = await db
    .select()
    .from(runEvents)
    .where(
      and(eq(runEvents.runId, runId), eq(runEvents.workspaceId, workspaceId), gt(runEvents.seq, query.after)),
    )
    .orderBy(asc(runEvents.seq))
    .limit(query.limit + 1);
  return { data: rows.slice(0, query.limit).map(toRunEventMessage), more: rows.length > query.limit };
}
