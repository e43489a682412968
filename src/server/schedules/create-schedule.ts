import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { workflowSchedules } from "../db/schema";
import { validateRunInput } from "../runs/validate-run-input";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";
import { type CreateScheduleBody, type ScheduleDto, toScheduleDto } from "./contracts";
import { cronOf, nextOccurrence } from "./schedule-cron";

/**
 * Adds a schedule to a workflow. Its input must fit the workflow's current input
 * schema now (a later version that no longer accepts it makes the tick record
 * `lastError` instead of a run). The first occurrence is the first one after now.
 */
export async function createSchedule(
  db: Database,
  args: { workspaceId: string; workflowId: string; body: CreateScheduleBody; now?: Date },
): Promise<ScheduleDto> {
  const { workspaceId, workflowId, body } = args;
  const { version } = await getWorkflowWithCurrentVersion(db, workspaceId, workflowId);
  validateRunInput(body.input, version.inputSchema ?? null, getEnv().RUN_INPUT_MAX_BYTES);
  const now = args.now ?? new Date();
  const cron = cronOf(body.cron, body.timezone);
  const [row] = await db
    .insert(workflowSchedules)
    .values({
      id: newId("schedule"),
      workspaceId,
      workflowId,
      name: body.name ?? body.cron,
      cron: body.cron,
      timezone: body.timezone,
      input: body.input,
      catchUp: body.catchUp,
      enabled: body.enabled,
      nextOccurrenceAt: body.enabled ? nextOccurrence(cron, now) : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return toScheduleDto(row);
}
