import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { RUN_STATUSES, RUN_TRIGGERS, STEP_STATUSES } from "../../../contracts/run-statuses";
import { workflows, workflowVersions } from "./workflows";
import { workspaces } from "./workspaces";

// Relative, not "@/": drizzle-kit loads this schema without the app's path aliases.
export {
  RUN_SCOPES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  type RunScopeKind,
  type RunStatus,
  type RunTrigger,
  STEP_STATUSES,
  type StepStatus,
} from "../../../contracts/run-statuses";

export type RunError = { message: string; code?: string; nodeId?: string };

export const runs = pgTable(
  "runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    workflowVersionId: text("workflow_version_id")
      .notNull()
      .references(() => workflowVersions.id),
    version: integer("version").notNull(),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("queued"),
    trigger: text("trigger", { enum: RUN_TRIGGERS }).notNull(),
    input: jsonb("input").$type<unknown>().notNull(),
    output: jsonb("output").$type<unknown>(),
    error: jsonb("error").$type<RunError | null>(),
    scope: text("scope", { enum: ["full", "partial"] })
      .notNull()
      .default("full"),
    fromNodeId: text("from_node_id"),
    sourceRunId: text("source_run_id"),
    /** The run whose sub-workflow node started this one; null for a top-level run. */
    parentRunId: text("parent_run_id").references((): AnyPgColumn => runs.id, { onDelete: "set null" }),
    /** How deeply nested: 0 for a top-level run, parent's depth + 1 for a child (bounded). */
    depth: integer("depth").notNull().default(0),
    /** The nodes a partial run executes (null: all of them). */
    nodeIds: jsonb("node_ids").$type<string[] | null>(),
    /** Outputs given for nodes the run does not execute, visible to templates as `nodes.<id>`. */
    seedOutputs: jsonb("seed_outputs").$type<Record<string, unknown> | null>(),
    idempotencyKey: text("idempotency_key"),
    /** Hash of the request that created the run, to tell a retry from a conflicting reuse of the key. */
    requestHash: text("request_hash"),
    /** Last `seq` handed out in run_events; bumped under the row lock so seqs never collide. */
    eventSeq: integer("event_seq").notNull().default(0),
    nodeCount: integer("node_count").notNull().default(0),
    nodesSucceeded: integer("nodes_succeeded").notNull().default(0),
    nodesFailed: integer("nodes_failed").notNull().default(0),
    nodesSkipped: integer("nodes_skipped").notNull().default(0),
    /** How many times the start event was handed to Inngest; 0 means it never left (see docs/RUN_LIFECYCLE.md). */
    dispatchAttempts: integer("dispatch_attempts").notNull().default(0),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    /** Inngest's internal id of the first start event it accepted: the reconciler asks which function runs it started. */
    dispatchEventId: text("dispatch_event_id"),
    /**
     * The Inngest function run that owns this run's execution, set by its `start` step. Any other
     * execution (an event re-sent after Inngest's 24-hour dedup window, say) stops without writing.
     * The reconciler clears it to hand the run to a new execution when Inngest no longer knows the owner.
     */
    executionId: text("execution_id"),
    /** When the reconciler last looked at this run; it revisits a live run at most once per threshold. */
    reconciledAt: timestamp("reconciled_at", { withTimezone: true }),
    /** Pinned runs outlive the workspace's retention. */
    pinned: boolean("pinned").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    lastProgressAt: timestamp("last_progress_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("runs_workspace_idempotency_key")
      .on(t.workspaceId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index("runs_workspace_created_idx").on(t.workspaceId, t.createdAt),
    index("runs_workflow_created_idx").on(t.workflowId, t.createdAt),
    index("runs_workspace_id_idx").on(t.workspaceId, t.id),
    index("runs_status_progress_idx").on(t.status, t.lastProgressAt),
    index("runs_parent_run_idx").on(t.parentRunId),
    index("runs_finished_idx").on(t.finishedAt),
  ],
);

/** One row per node per run, created `pending` when the run starts. */
export const runSteps = pgTable(
  "run_steps",
  {
    id: text("id").primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull(),
    nodeId: text("node_id").notNull(),
    nodeType: text("node_type").notNull(),
    status: text("status", { enum: STEP_STATUSES }).notNull().default("pending"),
    attempt: integer("attempt").notNull().default(0),
    output: jsonb("output").$type<unknown>(),
    error: jsonb("error").$type<{ message: string; code?: string; retriable?: boolean } | null>(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    /** LLM and vision nodes: the model used, tokens in and out, and the estimated cost in USD. */
    model: text("model"),
    tokensIn: integer("tokens_in"),
    tokensOut: integer("tokens_out"),
    costUsd: doublePrecision("cost_usd"),
  },
  (t) => [uniqueIndex("run_steps_run_node_key").on(t.runId, t.nodeId)],
);

export const RUN_EVENT_TYPES = [
  "run.status",
  "step.started",
  "step.completed",
  "step.failed",
  "step.skipped",
  "log",
  /** A batch of LLM output tokens, streamed live while a model node runs. */
  "token",
  "approval.requested",
  "approval.decided",
  /** The reconciler acted on the run (sent its start event again, handed it to a new execution, failed it). */
  "run.reconciled",
  /** An agent node's model turn ended: its text, the tool calls it asked for, tokens and cost. */
  "agent.turn",
  /** An agent node's tool call is about to run (or was refused: unknown tool, bad arguments, denied). */
  "agent.tool_call",
  /** What an agent node's tool call returned (a preview when large), and whether it was an error. */
  "agent.tool_result",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** Append-only log of everything that happened to a run; the replay source for streams. */
export const runEvents = pgTable(
  "run_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type", { enum: RUN_EVENT_TYPES }).notNull(),
    nodeId: text("node_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    /** Makes a retried write (same step, same attempt) land once. */
    dedupeKey: text("dedupe_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("run_events_run_seq_key").on(t.runId, t.seq),
    uniqueIndex("run_events_run_dedupe_key").on(t.runId, t.dedupeKey),
  ],
);

export type Run = typeof runs.$inferSelect;
export type RunStep = typeof runSteps.$inferSelect;
export type RunEvent = typeof runEvents.$inferSelect;
