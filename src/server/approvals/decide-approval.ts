import { and, eq, sql } from "drizzle-orm";
import { AppError, notFound } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { inngest } from "../../../inngest/client";
import { approvalDecided } from "../../../inngest/events";
import type { Database } from "../db/client";
import { type ApprovalStatus, approvals, runs } from "../db/schema";
import { appendRunEvents } from "../runs/append-run-events";
import { publishRunEvents } from "../runs/publish-run-events";
import { isTerminalRunStatus } from "../runs/statuses";
import type { ApprovalDto } from "./contracts";
import { toApprovalDto } from "./to-dto";

export type ApprovalVerdict = "approved" | "rejected";

/**
 * Decides a pending approval, for a person in the app or the holder of a signed link. The row changes
 * under the run's lock and only while `pending` (two deciders race safely: one wins, the other gets
 * 409), then `workflow/approval.decided` wakes the run. Should that event be lost, the run still
 * follows the stored decision when its wait times out.
 */
export async function decideApproval(
  db: Database,
  args: {
    runId: string;
    nodeId: string;
    /** A session decision is scoped to the caller's workspace; a link's signature scopes itself. */
    workspaceId?: string;
    verdict: ApprovalVerdict;
    by: string;
    comment?: string;
  },
): Promise<ApprovalDto> {
  const { row, events } = await db.transaction(async (tx) => {
    const [run] = await tx
      .select({ status: runs.status, workspaceId: runs.workspaceId })
      .from(runs)
      .where(
        and(eq(runs.id, args.runId), args.workspaceId ? eq(runs.workspaceId, args.workspaceId) : undefined),
      )
      .for("update");
    if (!run) throw notFound("Run");
    const where = and(eq(approvals.runId, args.runId), eq(approvals.nodeId, args.nodeId));
    const [current] = await tx.select().from(approvals).where(where);
    if (!current) throw notFound("Approval");
    if (current.status !== "pending") throw alreadyOver(current.status);
    if (isTerminalRunStatus(run.status)) throw new AppError("conflict", `run already ${run.status}`);
    if (current.expiresAt.getTime() <= Date.now()) throw alreadyOver("timeout");

    const [decided] = await tx
      .update(approvals)
      .set({
        status: args.verdict,
        decidedAt: sql`now()`,
        decidedBy: args.by,
        comment: args.comment ?? null,
      })
      .where(and(where, eq(approvals.status, "pending")))
      .returning();
    if (!decided) throw new AppError("conflict", "approval was decided meanwhile");
    const written = await appendRunEvents(tx, {
      runId: args.runId,
      workspaceId: run.workspaceId,
      events: [
        {
          type: "approval.decided",
          nodeId: args.nodeId,
          data: {
            approvalId: decided.id,
            decision: args.verdict,
            by: args.by,
            ...(args.comment ? { comment: args.comment } : {}),
          },
          dedupeKey: `approval-decided:${args.nodeId}`,
        },
      ],
    });
    return { row: decided, events: written };
  });
  publishRunEvents(events);

  try {
    await inngest.send(
      approvalDecided.create(
        {
          runId: row.runId,
          workspaceId: row.workspaceId,
          nodeId: row.nodeId,
          approvalId: row.id,
          decision: args.verdict,
          by: args.by,
          ...(row.comment ? { comment: row.comment } : {}),
          decidedAt: (row.decidedAt ?? new Date()).toISOString(),
        },
        { id: `approval-${row.id}` },
      ),
    );
  } catch (error) {
    logger.warn(
      { runId: row.runId, nodeId: row.nodeId, err: error },
      "could not send approval.decided; the run follows the stored decision at its timeout",
    );
  }
  return toApprovalDto(row);
}

/** 409 naming what happened, so a second decider knows why they were too late. */
export function alreadyOver(status: Exclude<ApprovalStatus, "pending">): AppError {
  return new AppError(
    "conflict",
    status === "timeout" ? "This approval timed out" : `This approval was already ${status}`,
  );
}
