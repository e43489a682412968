import { and, asc, eq, isNull } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { workflowSchedules, workflows } from "../db/schema";
import { getWorkflowOrThrow } from "../workflows/queries";
import { type ScheduleListDto, toScheduleDto } from "./contracts";

/**
 * Reads for routes and pages, scoped by workspace. A schedule of a deleted
 * workflow is "not found" like the workflow itself (and never ticks).
 */

export async function listSchedules(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
): Promise<ScheduleListDto> {
  await getWorkflowOrThrow(db, workspaceId, workflowId);
  const rows = await db
    .select()
    .from(workflowSchedules)
    .where(and(eq(workflowSchedules.workspaceId, workspaceId), eq(workflowSchedules.workflowId, workflowId)))
    .orderBy(asc(workflowSchedules.createdAt), asc(workflowSchedules.id));
  return { data: rows.map(toScheduleDto) };
}

export async function getScheduleOrThrow(db: DatabaseOrTransaction, workspaceId: string, scheduleId: string) {
  const [row] = await db
    .select({ schedule: workflowSchedules })
    .from(workflowSchedules)
    .innerJoin(workflows, eq(workflows.id, workflowSchedules.workflowId))
    .where(
      and(
        eq(workflowSchedules.id, scheduleId),
        eq(workflowSchedules.workspaceId, workspaceId),
        isNull(workflows.deletedAt),
      ),
    );
  if (!row) throw notFound("Schedule");
  return row.schedule;
}

export async function getSchedule(db: DatabaseOrTransaction, workspaceId: string, scheduleId: string) {
  return toScheduleDto(await getScheduleOrThrow(db, workspaceId, scheduleId));
}
