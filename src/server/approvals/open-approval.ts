import { and, eq } from "drizzle-orm";
import type { ApprovalTicket } from "@/engine";
import { newId } from "@/lib/ids";
import { approvalDecided } from "../../../inngest/events";
import type { Database } from "../db/client";
import { approvals, type RunEvent } from "../db/schema";
import { appendRunEvents, type NewRunEvent } from "../runs/append-run-events";
import { lockLiveRunOrStop, openWaitStep, type WaitStepRef } from "../runs/wait-node-steps";
import { approvalLinkUrl, hashLinkNonce, linkNonceFor, signApprovalToken } from "./approval-token";
import { switchRunWaiting } from "./switch-run-waiting";

/**
 * Stores a pending approval keyed by `ref.nodeId` (an approval node's id, or the key of one agent tool
 * call) with a fresh single-use link, moves the run to `waiting`, appends `approval.requested`, and
 * returns the ticket the orchestrator waits on. `opensStep`: the approval is a node of its own, whose
 * step row opens here. A retried attempt replaces the link (the lost one stops working); the same
 * attempt executed again signs a link with the same nonce, so the one already shown keeps working. An approval
 * already decided (a re-driven execution, whose decision event went to the lost one) is not asked
 * again: the ticket says so and the orchestrator reads the stored decision at once.
 */
export async function openApproval(
  db: Database,
  args: {
    ref: WaitStepRef;
    publish: (events: RunEvent[]) => void;
    message: string | null;
    approvers: string | null;
    timeoutMs: number;
    opensStep: boolean;
    /** Shown with the request (an agent tool call: the tool and its arguments). */
    details?: Record<string, unknown>;
    /** The node the events belong to, when `ref.nodeId` is the key of an agent's tool call. */
    eventNodeId?: string;
  },
): Promise<ApprovalTicket> {
  const { ref, publish, message, timeoutMs } = args;
  const node = { id: ref.nodeId };
  const nonce = linkNonceFor({ runId: ref.runId, nodeId: node.id, attempt: ref.attempt });
  const expiresAt = new Date(Date.now() + timeoutMs);
  const token = signApprovalToken({
    runId: ref.runId,
    nodeId: node.id,
    expiresAt: expiresAt.getTime(),
    nonce,
  });
  const url = approvalLinkUrl(token);

  const { approvalId, decided, events } = await db.transaction(async (tx) => {
    const run = await lockLiveRunOrStop(tx, ref);
    const values = {
      linkNonceHash: hashLinkNonce(nonce),
      expiresAt,
      message,
      approvers: args.approvers,
    };
    await tx
      .insert(approvals)
      .values({
        id: newId("approval"),
        runId: ref.runId,
        workspaceId: ref.workspaceId,
        nodeId: node.id,
        ...values,
      })
      .onConflictDoUpdate({
        target: [approvals.runId, approvals.nodeId],
        set: values,
        setWhere: eq(approvals.status, "pending"),
      });
    const [row] = await tx
      .select({ id: approvals.id, status: approvals.status })
      .from(approvals)
      .where(and(eq(approvals.runId, ref.runId), eq(approvals.nodeId, node.id)));
    if (!row) throw new Error(`approval of ${ref.runId}/${node.id} vanished`);

    const pending: NewRunEvent[] = [
      ...(args.opensStep ? [await openWaitStep(tx, ref)] : []),
      {
        type: "approval.requested",
        nodeId: args.eventNodeId ?? node.id,
        data: {
          approvalId: row.id,
          url,
          expiresAt: expiresAt.toISOString(),
          message,
          approvers: values.approvers,
          ...(args.eventNodeId !== undefined && { approvalKey: node.id }),
          ...args.details,
        },
        dedupeKey: `approval-requested:${node.id}:${ref.attempt}`,
      },
    ];
    // Decided already: this is a re-driven execution (the first one was lost after the decision).
    const decided = row.status !== "pending";
    if (run.status === "running" && !decided) {
      pending.push(await switchRunWaiting(tx, ref.runId, "waiting", node.id));
    }
    const written = await appendRunEvents(tx, {
      runId: ref.runId,
      workspaceId: ref.workspaceId,
      events: pending,
    });
    return { approvalId: row.id, decided, events: written };
  });
  publish(events);

  return {
    approvalId,
    ...(decided ? { decided: true } : {}),
    url,
    expiresAt: expiresAt.toISOString(),
    decision: {
      event: approvalDecided.name,
      // Node ids are [A-Za-z0-9_-] and run ids ours, so both are safe inside the quotes.
      if: `async.data.runId == "${ref.runId}" && async.data.nodeId == "${node.id}"`,
      timeoutMs,
    },
  };
}
