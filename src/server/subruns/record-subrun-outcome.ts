import { and, eq } from "drizzle-orm";
import type { ChildRunRef, InvokeResult } from "@/engine";
import type { Database } from "../db/client";
import { type RunEvent, runs } from "../db/schema";
import { recordStepSucceeded } from "../runs/record-step";
import { isTerminalRunStatus } from "../runs/statuses";
import { failWaitStep, type WaitStepRef } from "../runs/wait-node-steps";

/**
 * The last step of a sub-workflow node (`node:<nodeId>`), after the child's execution returned: the
 * child run row is the truth. A succeeded (or partial) child's output becomes the node's output; a
 * failed or cancelled child fails the node for good, with the child's reason.
 */
export async function recordSubrunOutcome(
  db: Database,
  args: WaitStepRef & {
    child: ChildRunRef;
    result: InvokeResult;
    publish: (events: RunEvent[]) => void;
  },
): Promise<unknown> {
  const { child: ref, result, publish, ...step } = args;
  const [child] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, ref.runId), eq(runs.workspaceId, step.workspaceId)));
  const fail = async (message: string) =>
    failWaitStep(db, step, { code: "subworkflow_failed", message }, publish);

  if (!child) throw await fail(`Sub-workflow run ${ref.runId} no longer exists`);
  if (child.status === "succeeded" || child.status === "partial") {
    const output = child.output ?? null;
    publish(await recordStepSucceeded(db, { ...step, output, logs: [] }));
    return output;
  }
  if (isTerminalRunStatus(child.status)) {
    // Nested failures name the direct child and the root cause, not every run in between.
    const cause =
      child.error?.code === "subworkflow_failed"
        ? child.error.message.replace(/^Sub-workflow run \S+ \w+: /, "")
        : child.error?.message;
    throw await fail(`Sub-workflow run ${child.id} ${child.status}${cause ? `: ${cause}` : ""}`);
  }
  // The child's function died before its run row was closed (its onFailure handler comes later).
  const reason = result.ok ? "ended without finishing" : `failed: ${result.error.message}`;
  throw await fail(`Sub-workflow run ${child.id} ${reason}`);
}
