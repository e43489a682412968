import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Transaction } from "../db/client";
import { type Approval, approvals, type RunStatus } from "../db/schema";
import type { NewRunEvent } from "../runs/append-run-events";
import { switchRunWaiting } from "./switch-run-waiting";

/**
 * After an approval's wait, under the run's lock: the row (`where` selects one of the run's), a
 * still-pending one marked timed out (guarded by `pending`, so a person deciding at that instant wins
 * or loses cleanly), and the events to append: `approval.decided` for a timeout, and the run back to
 * `running` once none of its approvals is pending. `nodeId` is the node the events belong to.
 */
export async function settleApproval(
  tx: Transaction,
  args: { runId: string; runStatus: RunStatus; where: SQL | undefined; nodeId: string },
): Promise<{ row: Approval; events: NewRunEvent[] }> {
  const [timedOut] = await tx
    .update(approvals)
    .set({ status: "timeout", decidedAt: sql`now()` })
    .where(and(args.where, eq(approvals.status, "pending")))
    .returning();
  const [row] = timedOut ? [timedOut] : await tx.select().from(approvals).where(args.where);
  if (!row) throw new Error(`no approval row for run ${args.runId} (${args.nodeId})`);

  const events: NewRunEvent[] = [];
  if (timedOut) {
    events.push({
      type: "approval.decided",
      nodeId: args.nodeId,
      data: {
        approvalId: row.id,
        decision: "timeout",
        ...(row.nodeId !== args.nodeId && { approvalKey: row.nodeId }),
      },
      dedupeKey: `approval-decided:${row.nodeId}`,
    });
  }
  const [stillPending] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(approvals)
    .where(and(eq(approvals.runId, args.runId), eq(approvals.status, "pending")));
  if (args.runStatus === "waiting" && (stillPending?.n ?? 0) === 0) {
    events.push(await switchRunWaiting(tx, args.runId, "running", row.nodeId));
  }
  return { row, events };
}
