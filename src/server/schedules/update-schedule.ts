import { and, eq } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { workflowSchedules } from "../db/schema";
import { validateRunInput } from "../runs/validate-run-input";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";
import { type ScheduleDto, toScheduleDto, type UpdateScheduleBody } from "./contracts";
import { getScheduleOrThrow } from "./queries";
import { cronOf, nextOccurrence } from "./schedule-cron";

/**
 * Changes a schedule. A new cron, time zone, or enabling it starts counting from
 * now: occurrences before the change are not "missed" and never catch up. Name,
 * input and policy changes keep the pending occurrence. A new input, or enabling,
 * checks the input against the workflow's current input schema.
 */
export async function updateSchedule(
  db: Database,
  args: { workspaceId: string; scheduleId: string; body: UpdateScheduleBody; now?: Date },
): Promise<ScheduleDto> {
  const { workspaceId, body } = args;
  const current = await getScheduleOrThrow(db, workspaceId, args.scheduleId);
  const merged = {
    name: body.name ?? current.name,
    cron: body.cron ?? current.cron,
    timezone: body.timezone ?? current.timezone,
    input: body.input ?? current.input,
    catchUp: body.catchUp ?? current.catchUp,
    enabled: body.enabled ?? current.enabled,
  };
  const enabling = merged.enabled && !current.enabled;
  if (body.input !== undefined || enabling) {
    const { version } = await getWorkflowWithCurrentVersion(db, workspaceId, current.workflowId);
    validateRunInput(merged.input, version.inputSchema ?? null, getEnv().RUN_INPUT_MAX_BYTES);
  }
  const now = args.now ?? new Date();
  const timing = merged.cron !== current.cron || merged.timezone !== current.timezone || enabling;
  const nextOccurrenceAt = !merged.enabled
    ? null
    : timing
      ? nextOccurrence(cronOf(merged.cron, merged.timezone), now)
      : current.nextOccurrenceAt;
  const [row] = await db
    .update(workflowSchedules)
    .set({ ...merged, nextOccurrenceAt, updatedAt: now })
    .where(and(eq(workflowSchedules.id, current.id), eq(workflowSchedules.workspaceId, workspaceId)))
    .returning();
  if (!row) throw notFound("Schedule");
  return toScheduleDto(row);
}
