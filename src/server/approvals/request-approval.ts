import {
  type ApprovalTicket,
  approvalTimeoutMsOf,
  ExpressionError,
  NODE_CONFIG_SCHEMAS,
  type RunScope,
  renderTemplate,
  type WorkflowNodeOf,
} from "@/engine";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { failWaitStep, type WaitStepRef } from "../runs/wait-node-steps";
import { openApproval } from "./open-approval";

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

  return openApproval(db, {
    ref,
    publish,
    message,
    approvers: config.data.approvers ?? null,
    timeoutMs,
    opensStep: true,
  });
}
