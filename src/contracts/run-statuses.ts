/*
 * The closed value sets of runs and steps. They live here, free of drizzle, because the browser and the
 * OpenAPI document use them as much as the database does; db/schema builds its columns from them.
 */

export const RUN_STATUSES = [
  "queued",
  "running",
  "waiting",
  "succeeded",
  "partial",
  "failed",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** `subworkflow`: a child run started by a parent run's sub-workflow node. */
export const RUN_TRIGGERS = ["ui", "api", "webhook", "schedule", "rerun", "subworkflow"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_SCOPES = ["full", "partial"] as const;
export type RunScopeKind = (typeof RUN_SCOPES)[number];

export const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "cancelled"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
