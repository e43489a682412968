import { runApprovalNode } from "../run/run-wait-nodes";
import { APPROVAL_NODE } from "./catalog/approval";
import type { NodeDefinition } from "./node-definition";
import { NodeExecutionError } from "./node-execution-error";

/**
 * approval: waits for a person's decision → `{ decision, by?, comment?, decidedAt }`. The wait is
 * durable: `orchestrate` runs it as steps around a wait (run-wait-nodes.ts) and never calls this
 * executor; it exists so the registry stays exhaustive and a misrouted call fails clearly.
 */
export const approvalNode: NodeDefinition<"approval"> = {
  ...APPROVAL_NODE,
  sideEffect: "timer",
  execute: async () => {
    throw new NodeExecutionError("Approval nodes are run by the orchestrator, not executed directly", {
      code: "not_executable",
      retriable: false,
    });
  },
  orchestrate: (node, ctx) => runApprovalNode(node, ctx),
};
