import { APPROVAL_DECISIONS } from "../nodes/approval-config";
import type { NodeType } from "../nodes/node-types";

/** The handles a condition node exposes; they are compared with `String(output.result)` when planning. */
export const CONDITION_HANDLES = ["true", "false"] as const;

/**
 * Node types whose outgoing edges are branches: every edge leaving one must name a handle, and the
 * planner follows only the edges whose handle matches the node's output (see {@link takenHandle}).
 */
export const BRANCH_HANDLES: Partial<Record<NodeType, readonly string[]>> = {
  condition: CONDITION_HANDLES,
  approval: APPROVAL_DECISIONS,
};

/**
 * The handle a branching node's output takes (a condition's `String(result)`, an approval's
 * `decision`), or null for a node type whose edges are all taken.
 */
export function takenHandle(type: NodeType, output: unknown): string | null {
  switch (type) {
    case "condition":
      return String(field(output, "result"));
    case "approval":
      return String(field(output, "decision"));
    default:
      return null;
  }
}

function field(output: unknown, key: string): unknown {
  return typeof output === "object" && output !== null && key in output
    ? (output as Record<string, unknown>)[key]
    : undefined;
}
