import { and, eq } from "drizzle-orm";
import {
  AgentConfigSchema,
  type AgentToolInvocation,
  type ApprovalDecision,
  type ApprovalTicket,
  type WorkflowNodeOf,
} from "@/engine";
import { openApproval } from "../approvals/open-approval";
import { settleApproval } from "../approvals/settle-approval";
import type { Database } from "../db/client";
import { approvals, type RunEvent } from "../db/schema";
import { appendRunEvents } from "../runs/append-run-events";
import { lockLiveRunOrStop, type WaitStepRef } from "../runs/wait-node-steps";
import { preview } from "./append-agent-events";

/**
 * The approval of one agent tool call is an approvals row like an approval node's, keyed by this
 * instead of a node id: the same signed link, session route and `approval.decided` event decide it.
 */
export function toolApprovalKeyFor(nodeId: string, turn: number, callId: string): string {
  return `${nodeId}__t${turn}_${callId.replace(/[^A-Za-z0-9_-]/g, "-")}`.slice(0, 160);
}

/** Inside `agent:<id>:approval-request:<n>:<callId>`: asks a person to allow or deny the call. */
export async function requestToolApproval(
  db: Database,
  args: WaitStepRef & {
    node: WorkflowNodeOf<"agent">;
    invocation: AgentToolInvocation;
    publish: (events: RunEvent[]) => void;
  },
): Promise<ApprovalTicket> {
  const { node, invocation, publish, ...ref } = args;
  const { call, turn } = invocation;
  const config = AgentConfigSchema.parse(node.data.config);
  return openApproval(db, {
    ref: { ...ref, nodeId: toolApprovalKeyFor(node.id, turn, call.callId) },
    publish,
    message: `The agent wants to call "${call.toolName}" with ${JSON.stringify(preview(call.args, 2_000))}`,
    approvers: null,
    // A person may take as long as the agent may run.
    timeoutMs: config.limits.timeoutMs,
    opensStep: false,
    eventNodeId: node.id,
    details: { toolName: call.toolName, callId: call.callId, turn, args: preview(call.args) },
  });
}

/**
 * Inside the tool call's step, after the wait: the stored decision (a pending one has timed out and
 * is marked so). The run returns to `running` once none of its approvals is pending.
 */
export async function readToolApproval(
  db: Database,
  args: WaitStepRef & { approvalId: string; publish: (events: RunEvent[]) => void },
): Promise<{ decision: ApprovalDecision; by?: string; comment?: string }> {
  const { approvalId, publish, ...ref } = args;
  const { row, events } = await db.transaction(async (tx) => {
    const run = await lockLiveRunOrStop(tx, ref);
    const { row, events: pending } = await settleApproval(tx, {
      runId: ref.runId,
      runStatus: run.status,
      where: and(eq(approvals.id, approvalId), eq(approvals.runId, ref.runId)),
      nodeId: ref.nodeId,
    });
    const written = await appendRunEvents(tx, {
      runId: ref.runId,
      workspaceId: ref.workspaceId,
      events: pending,
    });
    return { row, events: written };
  });
  publish(events);
  if (row.status === "pending") throw new Error(`approval ${row.id} is still pending`);
  return {
    decision: row.status,
    ...(row.decidedBy ? { by: row.decidedBy } : {}),
    ...(row.comment ? { comment: row.comment } : {}),
  };
}
