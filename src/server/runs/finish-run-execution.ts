import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { type RunError, type RunEvent, type RunStatus, runSteps, runs } from "../db/schema";
import { appendRunEvents, type NewRunEvent } from "./append-run-events";
import { RUN_DURATION_MS } from "./run-duration";
import { isTerminalRunStatus } from "./statuses";

export type RunConclusion =
  | {
      status: "succeeded";
      output: unknown;
      skipped: string[];
      /** Continue-on-error nodes that failed: the run ends `partial` rather than `succeeded`. */
      failedNodes?: Array<{ nodeId: string }>;
    }
  | { status: "failed"; skipped: string[]; error: { message: string; code?: string; nodeId?: string } };

/**
 * Last step of an execution: records skipped nodes, cancels nodes the failure
 * left unreached, and moves the run to its terminal status with output or error,
 * counts and duration. A run that is already terminal is left as it is.
 */
export async function finishRunExecution(
  db: Database,
  args: { runId: string; conclusion: RunConclusion },
): Promise<RunEvent[]> {
  const { runId, conclusion } = args;
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(runs).where(eq(runs.id, runId)).for("update");
    if (!run || isTerminalRunStatus(run.status)) return [];

    if (conclusion.skipped.length > 0) {
      await tx
        .update(runSteps)
        .set({ status: "skipped" })
        .where(
          and(
            eq(runSteps.runId, runId),
            inArray(runSteps.nodeId, conclusion.skipped),
            eq(runSteps.status, "pending"),
          ),
        );
    }
    const error = conclusion.status === "failed" ? await failedNodeError(tx, runId, conclusion.error) : null;
    // Nodes the failure kept from running: they did not fail, they never got a turn.
    await tx
      .update(runSteps)
      .set({ status: "cancelled" })
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ["pending", "running"])));

    const counts = await tx
      .select({ status: runSteps.status, n: sql<number>`count(*)::int` })
      .from(runSteps)
      .where(eq(runSteps.runId, runId))
      .groupBy(runSteps.status);
    const count = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;

    const status: RunStatus =
      conclusion.status === "succeeded" && (conclusion.failedNodes?.length ?? 0) > 0
        ? "partial"
        : conclusion.status;
    await tx
      .update(runs)
      .set({
        status,
        output: conclusion.status === "succeeded" ? (conclusion.output ?? null) : null,

        error: error ?? partialError(conclusion),
        nodesSucceeded: count("succeeded"),
        nodesFailed: count("failed"),
        nodesSkipped: count("skipped"),
        finishedAt: sql`now()`,
        durationMs: RUN_DURATION_MS,
      })
      .where(eq(runs.id, runId));

    const events: NewRunEvent[] = conclusion.skipped.map((nodeId) => ({
      type: "step.skipped",
      nodeId,
      data: {},
      dedupeKey: `skipped:${nodeId}`,
    }));
    events.push({
      type: "run.status",
      data:
        conclusion.status === "failed" ? { status, error } : { status, output: conclusion.output ?? null },
      dedupeKey: `status:${status}`,
    });
    return appendRunEvents(tx, { runId, workspaceId: run.workspaceId, events, locked: run });
  });
}

/**
 * The run's error, in the failing node's own words: the executor only passes a
 * message through, while the step row kept the node's error code. The node's
 * row is marked failed if the failure never reached it (a storage error, say).
 */
async function failedNodeError(
  tx: Transaction,
  runId: string,
  reported: { message: string; code?: string; nodeId?: string },
): Promise<RunError> {
  if (!reported.nodeId) return reported;
  const where = and(eq(runSteps.runId, runId), eq(runSteps.nodeId, reported.nodeId));
  const [step] = await tx.select({ error: runSteps.error }).from(runSteps).where(where);
  const error: RunError = step?.error
    ? { message: step.error.message, code: step.error.code, nodeId: reported.nodeId }
    : { ...reported };
  await tx
    .update(runSteps)
    .set({
      status: "failed",
      error: step?.error ?? { message: error.message, code: error.code },
      finishedAt: sql`now()`,
    })
    .where(and(where, inArray(runSteps.status, ["pending", "running"])));
  return error;
}

/** A partial run says which nodes it finished without. */
function partialError(conclusion: RunConclusion): RunError | null {
  if (conclusion.status !== "succeeded" || !conclusion.failedNodes?.length) return null;
  const ids = conclusion.failedNodes.map((node) => node.nodeId).join(", ");
  return {
    code: "nodes_failed",
    message: `Finished without ${ids}: they failed and are set to continue on error`,
  };
}
