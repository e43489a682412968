import { and, eq } from "drizzle-orm";
import {
  type ApprovalTicket,
  approvalTimeoutMsOf,
  ExpressionError,
  NODE_CONFIG_SCHEMAS,
  type RunScope,
  renderTemplate,
  type WorkflowNodeOf,
} from "@/engine";
import { newId } from "@/lib/ids";
import { approvalDecided } from "../../../inngest/events";
import type { Database } from "../db/client";
import { approvals, type RunEvent } from "../db/schema";
import { appendRunEvents, type NewRunEvent } from "../runs/append-run-events";
import { failWaitStep, lockLiveRunOrStop, openWaitStep, type WaitStepRef } from "../runs/wait-node-steps";
import { approvalLinkUrl, hashLinkNonce, newLinkNonce, signApprovalToken } from "./approval-token";
import { switchRunWaiting } from "./switch-run-waiting";

/**
 * The first step of an approval node (`approval-request:<nodeId>`): stores the pending approval with a
 * fresh single-use link, opens the node's step row, moves the run to `waiting`, and returns the ticket
 * the orchestrator waits on. A retried attempt replaces the link (the lost one stops working). An
 * approval already decided (a re-driven execution, whose decision event went to the lost one) is
 * not asked again: the ticket says so and the orchestrator records the stored decision at once.
 */
export async function requestApproval(
  db: Database,
  args: WaitStepRef & {
    node: WorkflowNodeOf<"approval">;
    scope: RunScope;
    publish: (events: RunEvent[]) => void;
  },
): Promise<ApprovalTicket> {
  const { node, publish, ...ref } = args;
  const config = NODE_CONFIG_SCHEMAS.approval.safeParse(node.data.config);
  const timeoutMs = approvalTimeoutMsOf(node.data.config);
  if (!config.success || timeoutMs === null) {
    const issue = config.success ? undefined : config.error.issues[0];
    const where = ["config", ...(issue?.path.map(String) ?? ["timeout"])].join(".");
    throw await failWaitStep(
      db,
      ref,
      { message: `Node "${node.id}": ${where}: ${issue?.message ?? "invalid"}`, code: "invalid_config" },
      publish,
    );
  }
  let message: string | null = null;
  try {
    message =
      config.data.message === undefined ? null : await renderTemplate(config.data.message, args.scope);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw await failWaitStep(
      db,
      ref,
      { message: `config.message: ${error.message}`, code: "expression_error" },
      publish,
    );
  }

  const nonce = newLinkNonce();
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
      approvers: config.data.approvers ?? null,
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
      await openWaitStep(tx, ref),
      {
        type: "approval.requested",
        nodeId: node.id,
        data: {
          approvalId: row.id,
          url,
          expiresAt: expiresAt.toISOString(),
          message,
          approvers: values.approvers,
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
