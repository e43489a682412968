import { z } from "zod";
import { SCHEDULE_CATCH_UP_POLICIES } from "@/contracts/access-kinds";
import type { WorkflowSchedule } from "../db/schema";
import { DateTimeSchema } from "../workflows/contracts";
import { isTimeZone, parseCron } from "./schedule-cron";

/**
 * Request and response shapes of the schedule routes (also the OpenAPI document's).
 * Client-safe: zod, croner and other contracts only.
 */

export const ScheduleIdSchema = z.string().regex(/^sch_[a-z0-9]{26}$/, "not a schedule id");
export const ScheduleParams = z.object({ scheduleId: ScheduleIdSchema });

export const CronExpressionSchema = z
  .string()
  .trim()
  .min(1, "cron is required")
  .max(120)
  .superRefine((value, ctx) => {
    const parsed = parseCron(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
  })
  .describe(
    "A cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with a leading seconds field that is one number; nicknames such as `@daily` too. Fires at most once a minute.",
  );

export const TimeZoneSchema = z
  .string()
  .trim()
  .refine(isTimeZone, "not a time zone: give an IANA name such as Europe/Berlin or UTC")
  .describe("The IANA time zone the expression is read in (daylight saving time included)");

const ScheduleFields = {
  name: z.string().trim().min(1, "name must not be empty").max(120),
  cron: CronExpressionSchema,
  timezone: TimeZoneSchema,
  input: z
    .record(z.string(), z.unknown())
    .describe("The run input of every occurrence; checked against the workflow's input schema"),
  catchUp: z
    .enum(SCHEDULE_CATCH_UP_POLICIES)
    .describe(
      "Occurrences missed while nothing ticked (downtime): `skip` runs none, `run_once` runs the newest one within the catch-up window",
    ),
  enabled: z.boolean(),
};

export const CreateScheduleBody = z
  .object({
    /** Defaults to the cron expression. */
    name: ScheduleFields.name.optional(),
    cron: ScheduleFields.cron,
    timezone: ScheduleFields.timezone.default("UTC"),
    input: ScheduleFields.input.default({}),
    catchUp: ScheduleFields.catchUp.default("skip"),
    enabled: ScheduleFields.enabled.default(true),
  })
  .strict();
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

export const UpdateScheduleBody = z
  .object({
    name: ScheduleFields.name.optional(),
    cron: ScheduleFields.cron.optional(),
    timezone: ScheduleFields.timezone.optional(),
    input: ScheduleFields.input.optional(),
    catchUp: ScheduleFields.catchUp.optional(),
    enabled: ScheduleFields.enabled.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "give at least one of name, cron, timezone, input, catchUp, enabled",
  });
export type UpdateScheduleBody = z.infer<typeof UpdateScheduleBody>;

export const ScheduleSchema = z.object({
  id: ScheduleIdSchema,
  workflowId: z.string(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  input: z.record(z.string(), z.unknown()),
  catchUp: z.enum(SCHEDULE_CATCH_UP_POLICIES),
  enabled: z.boolean(),
  nextOccurrenceAt: DateTimeSchema.nullable().describe(
    "When the schedule next starts a run (null while disabled, or when the expression never fires again)",
  ),
  lastOccurrenceAt: DateTimeSchema.nullable().describe(
    "The newest occurrence handled (started or passed over)",
  ),
  lastRunId: z.string().nullable().describe("The run the newest started occurrence made"),
  lastError: z.string().nullable().describe("Why the last occurrence could not start (null once one does)"),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type ScheduleDto = z.infer<typeof ScheduleSchema>;

export const ScheduleListSchema = z.object({ data: z.array(ScheduleSchema) });
export type ScheduleListDto = z.infer<typeof ScheduleListSchema>;

export function toScheduleDto(row: WorkflowSchedule): ScheduleDto {
  return {
    id: row.id,
    workflowId: row.workflowId,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    input: row.input,
    catchUp: row.catchUp,
    enabled: row.enabled,
    nextOccurrenceAt: row.enabled ? (row.nextOccurrenceAt?.toISOString() ?? null) : null,
    lastOccurrenceAt: row.lastOccurrenceAt?.toISOString() ?? null,
    lastRunId: row.lastRunId,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
