import { z } from "zod";
import { NODE_ID_PATTERN } from "@/engine";
import {
  RUN_STATUSES,
  type RunError,
  type RunScopeKind,
  type RunStatus,
  type RunTrigger,
  type StepStatus,
} from "../db/schema";
import { WorkflowIdSchema } from "../workflows/contracts";

export const RunIdSchema = z.string().regex(/^run_[a-z0-9]{26}$/, "not a run id");
export const RunParams = z.object({ runId: RunIdSchema });

/** Idempotency keys come in the body (`idempotencyKey`) or, on /api/v1, the `Idempotency-Key` header. */
export const IdempotencyKeySchema = z.string().min(1).max(200);

export const StartRunBody = z
  .object({
    input: z.record(z.string(), z.unknown()).default({}),
    /** Same key + same body returns the original run; same key + another body is a conflict. */
    idempotencyKey: IdempotencyKeySchema.optional(),
    /** Re-run from this node (with `sourceRunId`): it and its descendants execute again, upstream is reused. */
    fromNodeId: z.string().min(1).max(64).optional(),
    /** The run whose stored outputs stand in for everything upstream of `fromNodeId`. */
    sourceRunId: RunIdSchema.optional(),
    /** Pin the re-run to the workflow's current version instead of the source run's. */
    version: z.literal("latest").optional(),
  })
  .strict()
  .refine((body) => (body.fromNodeId === undefined) === (body.sourceRunId === undefined), {
    message: "fromNodeId and sourceRunId go together",
    path: ["fromNodeId"],
  })
  .refine((body) => body.version === undefined || body.fromNodeId !== undefined, {
    message: "version applies to re-runs (with fromNodeId and sourceRunId)",
    path: ["version"],
  });
export type StartRunBody = z.infer<typeof StartRunBody>;

const JsonObject = z.record(z.string(), z.unknown());

export const ListRunsQuery = z.object({
  workflowId: WorkflowIdSchema.optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: RunIdSchema.optional().describe(
    "The previous page's nextCursor: runs created before it (run ids sort by creation time)",
  ),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const NodeRunParams = z.object({
  workflowId: WorkflowIdSchema,
  nodeId: z.string().max(64).regex(NODE_ID_PATTERN, "not a node id"),
});

/** A block run: one node alone, with the input and upstream outputs its templates read. */
export const BlockRunBody = z
  .object({
    input: JsonObject.default({}).describe("What the node's templates see as `input`"),
    nodes: JsonObject.default({}).describe(
      "Outputs of upstream nodes by node id: what the node's templates see as `nodes.<id>`",
    ),
  })
  .strict();
export type BlockRunBody = z.infer<typeof BlockRunBody>;

export const MAX_BLOCK_RUN_WAIT_S = 25;

export const BlockRunQuery = z.object({
  wait: z.coerce
    .number()
    .finite()
    .default(MAX_BLOCK_RUN_WAIT_S)
    .transform((seconds) => Math.min(Math.max(seconds, 0), MAX_BLOCK_RUN_WAIT_S))
    .describe("Seconds to wait for the run to finish before answering 202 (0: at once); clamped to 0..25"),
});

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

/** A run in a list: what it is and how it ended, without input, output or steps. */
export type RunSummaryDto = {
  id: string;
  workflowId: string;
  version: number;
  status: RunStatus;
  trigger: RunTrigger;
  /** `partial` for a run of some nodes only (a block run). */
  scope: RunScopeKind;
  /** The run whose sub-workflow node started this one (null for a top-level run). */
  parentRunId: string | null;
  /** 0 for a top-level run; a child is one deeper than its parent. */
  depth: number;
  error: RunError | null;
  /** Kept past the workspace's retention (PUT /api/runs/:runId/pin). */
  pinned: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};

export type RunListDto = { data: RunSummaryDto[]; nextCursor: string | null };

export type RunDto = RunSummaryDto & {
  input: unknown;
  output: unknown;
  /** A re-run: the node it started from, the run it was made from, and the upstream nodes it reused. */
  fromNodeId: string | null;
  sourceRunId: string | null;
  reusedNodeIds: string[];
  counts: { nodes: number; succeeded: number; failed: number; skipped: number };
  steps: RunStepDto[];
};

/** A finished block run, or (202) one still going. */
export type BlockRunResultDto =
  | { runId: string; status: RunStatus; output: unknown; error: RunError | null; step: RunStepDto | null }
  | RunAcceptedDto;
