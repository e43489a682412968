import {
  executeNode,
  NodeExecutionError,
  type NodeSettings,
  type NodeUsage,
  type RunScope,
  retryDelayMs,
  sideEffectOf,
  type WorkflowNode,
} from "@/engine";
import { withDeadline } from "@/lib/deadline";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { nodeFetch } from "../egress/node-fetch";
import { createLlmClient } from "../llm/create-llm-client";
import { createSqlClient } from "../sql/create-sql-client";
import { type NodeSpan, traceNodeExecution } from "../telemetry/node-span";
import type { NewRunEvent } from "./append-run-events";
import { resolveOutputRefs, storeOutput } from "./output-refs";
import { recordStepFailed, recordStepStarted, recordStepSucceeded } from "./record-step";
import { holdPureStepRecord, writeStepRecords } from "./step-record-journal";
import { storableOutput } from "./storable-output";

/** Hands written events to realtime; returns at once (delivery happens off the node's critical path). */
export type PublishRunEvents = (events: RunEvent[]) => void;

/** Why a node failed, in the terms the durable executor needs to decide on a retry. */
export class NodeStepError extends Error {
  constructor(
    message: string,
    readonly nodeId: string,
    readonly retriable: boolean,
    readonly code: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "NodeStepError";
  }
}

/**
 * The body of one node's durable step: record the start (nodes with side effects), execute the
 * node, record its output (or the failure of this attempt) and publish what was recorded. Runs
 * inside `step.run`, so a success is memoized and never repeats.
 */
export function executeNodeStep(db: Database, args: NodeStepArgs): Promise<unknown> {
  return traceNodeExecution(args, (span) => runNodeStep(db, args, span));
}

type NodeStepArgs = Parameters<typeof runNodeStep>[1];

async function runNodeStep(
  db: Database,
  args: {
    runId: string;
    workspaceId: string;
    node: WorkflowNode;
    scope: RunScope;
    attempt: number;
    maxAttempts: number;
    publish: PublishRunEvents;
    /** The run's inline budget: may this output stay inline? Absent: up to OUTPUT_INLINE_LIMIT_BYTES. */
    inlineAllowed?: (sizeBytes: number) => boolean;
  },
  span: NodeSpan,
): Promise<unknown> {
  const { runId, workspaceId, node, attempt } = args;
  const settings = node.data.settings ?? {};
  const ref = { runId, workspaceId, nodeId: node.id, attempt };
  // A node with side effects records its start before it runs, so a retry after a lost answer finds
  // the stored success instead of doing the work (an HTTP POST, say) again. A pure node has nothing
  // to guard: it runs first and leaves its whole attempt to the run's step journal.
  const pure = sideEffectOf(node) === "none";
  if (!pure) {
    // What pure nodes of this run left in the journal comes first (event order = finishing order).
    await writeStepRecords(runId);
    const start = await recordStepStarted(db, ref);
    if (start.state === "run_over") throw runOver(runId, node.id);
    if (start.state === "already_succeeded") {
      span.outcome("already_succeeded");
      return start.output;
    }
    args.publish(start.events);
  }

  const logs: NewRunEvent[] = [];
  let usage: NodeUsage | undefined;
  // Large upstream outputs travel as references; the node sees the data itself.
  const scope = {
    ...args.scope,
    nodes: await resolveOutputRefs(db, workspaceId, args.scope.nodes),
    app: { url: getEnv().APP_URL.replace(/\/$/, "") },
  };
  const startedAt = performance.now();
  let result: ReturnType<typeof storableOutput>;
  try {
    result = storableOutput(
      await withTimeout(
        settings.timeoutMs,
        executeNode({
          node,
          scope,
          runId,
          attempt,
          deps: {
            fetch: nodeFetch(),
            now: () => new Date(),
            llm: createLlmClient(db, { workspaceId }),
            sql: createSqlClient(db, { workspaceId }),
            reportUsage: (reported) => {
              usage = reported;
              span.usage(reported);
            },
            log: (entry) => {
              logs.push({ type: "log", nodeId: node.id, data: { ...entry } });
              // `nodeLevel`, not `level`: pino's own level field must stay filterable.
              logger.info({ runId, nodeId: node.id, nodeLevel: entry.level }, entry.message);
            },
          },
        }),
      ),
    );
  } catch (error) {
    const failure = describeFailure(error, node.id);
    // The node's own retry count, within the ceiling the function was created with.
    const maxAttempts = Math.min(args.maxAttempts, (settings.retries ?? DEFAULT_NODE_RETRIES) + 1);
    const willRetry = failure.retriable && attempt + 1 < maxAttempts;
    await writeStepRecords(runId);
    const events = await recordStepFailed(db, {
      ...ref,
      error: { message: failure.message, code: failure.code, retriable: failure.retriable },
      willRetry,
      logs,
      started: pure,
    });
    args.publish(events);
    throw willRetry ? withBackoff(failure, settings, attempt) : finalFailure(failure);
  }
  const durationMs = performance.now() - startedAt;
  let output: unknown;
  let events: RunEvent[] = [];
  try {
    output = await storeOutput(db, { runId, workspaceId, nodeId: node.id }, result, args.inlineAllowed);
    if (!pure) events = await recordStepSucceeded(db, { ...ref, output, logs, usage });
  } catch (error) {
    // The database error (with its SQL and parameters) goes to the log, never into the run's error.
    logger.error({ runId, nodeId: node.id, err: error }, "could not store a node's result");
    throw new NodeStepError(
      "Could not store the node's result; the attempt will be retried",
      node.id,
      true,
      "storage_error",
    );
  }
  // Nodes without side effects call no model, so there is no usage to keep with their record.
  if (pure)
    holdPureStepRecord(db, { runId, workspaceId }, { nodeId: node.id, attempt, output, logs, durationMs });
  else args.publish(events);
  return output;
}

/** Cancelled while this step was queued or running: nothing more of it is recorded or done. */
function runOver(runId: string, nodeId: string): NodeStepError {
  return new NodeStepError(
    `Run ${runId} is already over; node ${nodeId} was not executed`,
    nodeId,
    false,
    "run_over",
  );
}

/** Retries a node gets when its settings name none (Inngest's own default). */
export const DEFAULT_NODE_RETRIES = 4;

/** The node's backoff setting, unless the failure itself said when to come back (Retry-After). */
function withBackoff(failure: NodeStepError, settings: NodeSettings, attempt: number): NodeStepError {
  const delay = retryDelayMs(settings, attempt + 1);
  if (delay === undefined || (failure.retryAfterMs ?? 0) >= delay) return failure;
  return new NodeStepError(failure.message, failure.nodeId, true, failure.code, delay);
}

/** No attempts left: told to Inngest as non-retriable, so it stops here rather than at its own ceiling. */
function finalFailure(failure: NodeStepError): NodeStepError {
  return failure.retriable
    ? new NodeStepError(failure.message, failure.nodeId, false, failure.code)
    : failure;
}

function withTimeout<T>(timeoutMs: number | undefined, work: Promise<T>): Promise<T> {
  if (timeoutMs === undefined) return work;
  return withDeadline(
    work,
    timeoutMs,
    () =>
      new NodeExecutionError(`The node took longer than its ${timeoutMs} ms timeout`, {
        code: "timeout",
        retriable: true,
      }),
  );
}

function describeFailure(error: unknown, nodeId: string): NodeStepError {
  if (error instanceof NodeExecutionError) {
    return new NodeStepError(error.message, nodeId, error.retriable, error.code, error.retryAfterMs);
  }
  const message = error instanceof Error ? error.message : String(error);
  // Unknown failures (a bug, a dropped connection) are worth another attempt.
  return new NodeStepError(message, nodeId, true, "node_error");
}
