import { z } from "zod";
import type { RunError, RunStatus, RunTrigger, StepStatus } from "../db/schema";

export const RunIdSchema = z.string().regex(/^run_[a-z0-9]{26}$/, "not a run id");
export const RunParams = z.object({ runId: RunIdSchema });

export const StartRunBody = z
  .object({
    input: z.record(z.string(), z.unknown()).default({}),
    /** Same key + same body returns the original run; same key + another body is a conflict. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
export type StartRunBody = z.infer<typeof StartRunBody>;

export type RunAcceptedDto = { runId: string; status: RunStatus };

export type RunStepDto = {
  nodeId: string;
  nodeType: string;
  status: StepStatus;
  attempt: number;
  output: unknown;
  error: { message: string; code?: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};

export type RunDto = {
  id: string;
  workflowId: string;
  version: number;
  status: RunStatus;
  trigger: RunTrigger;
  input: unknown;
  output: unknown;
  error: RunError | null;
  counts: { nodes: number; succeeded: number; failed: number; skipped: number };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  steps: RunStepDto[];
};
