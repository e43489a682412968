import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { workflowSchedules } from "../db/schema";
import { getScheduleOrThrow } from "./queries";

/** Removes a schedule; runs it started keep their rows (they refer to it only by idempotency key). */
export async function deleteSchedule(db: Database, args: { workspaceId: string; scheduleId: string }) {
  await getScheduleOrThrow(db, args.workspaceId, args.scheduleId);
  const [deleted] = await db
    .delete(workflowSchedules)
    .where(
      and(eq(workflowSchedules.id, args.scheduleId), eq(workflowSchedules.workspaceId, args.workspaceId)),
    )
    .returning({ id: workflowSchedules.id });
  if (!deleted) throw notFound("Schedule");
}
