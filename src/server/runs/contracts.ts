import { z } from "zod";
import { RUN_SCOPES, RUN_STATUSES, RUN_TRIGGERS, STEP_STATUSES } from "@/contracts/run-statuses";
import { NODE_ID_PATTERN } from "@/engine/catalog";
import { DateTimeSchema, WorkflowIdSchema } from "../workflows/contracts";

/* Client-safe: pages import this too, so it imports only zod and client-safe modules (a test checks). */

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
    /**
     * With `fromNodeId` and `sourceRunId`: this value stands in as that node's output, the node is not
     * executed, and only its descendants run.
     */
    output: z
      .unknown()
      .optional()
      .describe(
        "An edited output for `fromNodeId` (any JSON): the node is not executed, this value stands in for its output, and only its descendants run",
      ),
  })
  .strict()
  .refine((body) => (body.fromNodeId === undefined) === (body.sourceRunId === undefined), {
    message: "fromNodeId and sourceRunId go together",
    path: ["fromNodeId"],
  })
  .refine((body) => body.version === undefined || body.fromNodeId !== undefined, {
    message: "version applies to re-runs (with fromNodeId and sourceRunId)",
    path: ["version"],
  })
  .refine((body) => body.output === undefined || body.fromNodeId !== undefined, {
    message: "output applies to re-runs (with fromNodeId and sourceRunId)",
    path: ["output"],
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

/*
 * Answers. The DTO types are inferred from these schemas, and the OpenAPI document's response schemas
 * are generated from them, so what the handlers return and what clients are told cannot drift apart.
 */

const RunStatusSchema = z.enum(RUN_STATUSES);

export const RunAcceptedSchema = z.object({ runId: RunIdSchema, status: RunStatusSchema });
export type RunAcceptedDto = z.infer<typeof RunAcceptedSchema>;

export const RunErrorSchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  nodeId: z.string().optional().describe("The node whose failure ended the run"),
});

export const RunStepSchema = z.object({
  nodeId: z.string(),
  nodeType: z.string(),
  status: z.enum(STEP_STATUSES),
  attempt: z.number().int(),
  output: z.unknown(),
  error: z.object({ message: z.string(), code: z.string().optional() }).nullable(),
  startedAt: DateTimeSchema.nullable(),
  finishedAt: DateTimeSchema.nullable(),
  durationMs: z.number().nullable(),
});
export type RunStepDto = z.infer<typeof RunStepSchema>;

/** A run in a list: what it is and how it ended, without input, output or steps. */
export const RunSummarySchema = z.object({
  id: RunIdSchema,
  workflowId: z.string(),
  version: z.number().int(),
  status: RunStatusSchema,
  trigger: z.enum(RUN_TRIGGERS),
  scope: z.enum(RUN_SCOPES).describe("`partial` for a run of some nodes only (a block run)"),
  parentRunId: z
    .string()
    .nullable()
    .describe("The run whose sub-workflow node started this one (null for a top-level run)"),
  depth: z.number().int().describe("0 for a top-level run; a child is one deeper than its parent"),
  error: RunErrorSchema.nullable(),
  pinned: z.boolean().describe("Kept past the workspace's retention"),
  createdAt: DateTimeSchema,
  startedAt: DateTimeSchema.nullable(),
  finishedAt: DateTimeSchema.nullable(),
  durationMs: z.number().nullable(),
});
export type RunSummaryDto = z.infer<typeof RunSummarySchema>;

export const RunListSchema = z.object({
  data: z.array(RunSummarySchema),
  nextCursor: RunIdSchema.nullable().describe("Pass as `cursor` for the next page; null on the last page"),
});
export type RunListDto = z.infer<typeof RunListSchema>;

export const RunSchema = RunSummarySchema.extend({
  input: z.unknown(),
  output: z.unknown(),
  /** A re-run: the node it started from, the run it was made from, and the upstream nodes it reused. */
  fromNodeId: z.string().nullable(),
  sourceRunId: z.string().nullable(),
  reusedNodeIds: z.array(z.string()),
  counts: z.object({
    nodes: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
  steps: z.array(RunStepSchema),
});
export type RunDto = z.infer<typeof RunSchema>;

/**
 * The node a re-run did not execute because the request gave its output: its id is the run's
 * `fromNodeId` and its given output is among the outputs the run reused.
 */
export function editedNodeIdOf(run: { fromNodeId: string | null; reusedNodeIds: readonly string[] }) {
  return run.fromNodeId !== null && run.reusedNodeIds.includes(run.fromNodeId) ? run.fromNodeId : null;
}

/**
 * How a node's output in a re-run compares with its source run: `reused` (not executed, the source's
 * output stood in), `edited` (not executed, the output given with the re-run stood in), or executed and
 * `changed`/`unchanged`, or in one run only.
 */
export const NODE_CHANGES = [
  "changed",
  "unchanged",
  "reused",
  "edited",
  "only_in_source",
  "only_in_run",
] as const;
export type NodeChange = (typeof NODE_CHANGES)[number];

export const NodeDiffSchema = z.object({
  nodeId: z.string(),
  change: z.enum(NODE_CHANGES),
  before: z.unknown(),
  after: z.unknown(),
});
export type NodeDiff = z.infer<typeof NodeDiffSchema>;

export const RunDiffSchema = z.object({
  runId: RunIdSchema,
  sourceRunId: z.string(),
  fromNodeId: z.string().nullable(),
  nodes: z.array(NodeDiffSchema),
});
export type RunDiffDto = z.infer<typeof RunDiffSchema>;

/** A block run that finished within its wait. */
export const BlockRunResultSchema = z.object({
  runId: RunIdSchema,
  status: RunStatusSchema,
  output: z.unknown(),
  error: RunErrorSchema.nullable(),
  step: RunStepSchema.nullable(),
});

/** A finished block run, or (202) one still going. */
export type BlockRunResultDto = z.infer<typeof BlockRunResultSchema> | RunAcceptedDto;
