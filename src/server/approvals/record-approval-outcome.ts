import { and, eq } from "drizzle-orm";
import type { ApprovalOutput } from "@/engine";
import type { Database } from "../db/client";
import { type Approval, approvals, type RunEvent } from "../db/schema";
import { appendRunEvents } from "../runs/append-run-events";
import { recordStepSucceeded } from "../runs/record-step";
import { lockLiveRunOrStop, type WaitStepRef } from "../runs/wait-node-steps";
import { settleApproval } from "./settle-approval";

/**
 * The last step of an approval node (`node:<nodeId>`), after the wait: the approvals row is the truth.
 * A decided row gives the decision, whether or not its event arrived (a lost event only delays the run
 * until the timeout); a row still pending has timed out and is marked so (guarded by `pending`, so a
 * person deciding at that instant wins or loses cleanly). The run returns to `running` once no approval
 * of it is pending, and the decision becomes the node's output.
 */
export async function recordApprovalOutcome(
  db: Database,
  args: WaitStepRef & { publish: (events: RunEvent[]) => void },
): Promise<ApprovalOutput> {
  const { publish, ...ref } = args;
  const { output, events } = await db.transaction(async (tx) => {
    const run = await lockLiveRunOrStop(tx, ref);
    const { row, events: pending } = await settleApproval(tx, {
      runId: ref.runId,
      runStatus: run.status,
      where: and(eq(approvals.runId, ref.runId), eq(approvals.nodeId, ref.nodeId)),
      nodeId: ref.nodeId,
    });
    const written = await appendRunEvents(tx, {
      runId: ref.runId,
      workspaceId: ref.workspaceId,
      events: pending,
    });
    return { output: toOutput(row), events: written };
  });
  publish(events);
  publish(await recordStepSucceeded(db, { ...ref, output, logs: [] }));
  return output;
}

function toOutput(row: Approval): ApprovalOutput {
  if (row.status === "pending") throw new Error(`approval ${row.id} is still pending`);
  return {
    decision: row.status,
    ...(row.decidedBy ? { by: row.decidedBy } : {}),
    ...(row.comment ? { comment: row.comment } : {}),
    decidedAt: (row.decidedAt ?? new Date()).toISOString(),
  };
}
