import { and, eq, ne, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { type Run, type RunEvent, runSteps, runs } from "../db/schema";
import type { NewRunEvent } from "./append-run-events";
import { NodeStepError } from "./execute-node-step";
import { recordStepFailed } from "./record-step";
import { isTerminalRunStatus } from "./statuses";

/**
 * Pieces shared by the nodes that wait on the outside world (approval, sub-workflow). Their node
 * steps do not go through `executeNodeStep`: they open the step row when the wait begins and close
 * it when the wait is over, in the use-cases of src/server/approvals and src/server/subruns.
 */

export type WaitStepRef = { runId: string; workspaceId: string; nodeId: string; attempt: number };

/**
 * Locks the run row and returns it while it is live. A run that is over (cancelled while this step
 * was queued) must not start waiting or record anything: non-retriable, like `executeNodeStep`.
 */
export async function lockLiveRunOrStop(tx: Transaction, ref: WaitStepRef): Promise<Run> {
  const [run] = await tx.select().from(runs).where(eq(runs.id, ref.runId)).for("update");
  if (!run || isTerminalRunStatus(run.status)) {
    throw new NodeStepError(
      `Run ${ref.runId} is already over; node ${ref.nodeId} was not executed`,
      ref.nodeId,
      false,
      "run_over",
    );
  }
  return run;
}

/** Marks the node's step row running (the wait has begun) and returns its `step.started` event. */
export async function openWaitStep(tx: Transaction, ref: WaitStepRef): Promise<NewRunEvent> {
  await tx
    .update(runSteps)
    .set({ status: "running", attempt: ref.attempt, startedAt: sql`coalesce(${runSteps.startedAt}, now())` })
    .where(
      and(eq(runSteps.runId, ref.runId), eq(runSteps.nodeId, ref.nodeId), ne(runSteps.status, "succeeded")),
    );
  return {
    type: "step.started",
    nodeId: ref.nodeId,
    data: { attempt: ref.attempt },
    dedupeKey: `started:${ref.nodeId}:${ref.attempt}`,
  };
}

/**
 * Records the node's final failure (config, depth, a failed child…: retrying cannot help) and returns
 * the non-retriable error to throw, so the run fails naming the node with the error's code.
 */
export async function failWaitStep(
  db: Database,
  ref: WaitStepRef,
  error: { message: string; code: string },
  publish: (events: RunEvent[]) => void,
): Promise<NodeStepError> {
  publish(
    await recordStepFailed(db, { ...ref, error: { ...error, retriable: false }, willRetry: false, logs: [] }),
  );
  return new NodeStepError(error.message, ref.nodeId, false, error.code);
}
