import { BRANCH_HANDLES } from "./branch-handles";
import type { NodeSummary } from "./check-nodes";
import { formatPath, type GraphIssue, toIssuePath } from "./graph-issue";
import { type WorkflowEdge, WorkflowEdgeSchema } from "./schema";

export { CONDITION_HANDLES } from "./branch-handles";

/**
 * Checks every edge: shape, unique id, both ends exist, and edges leaving a branching node (condition,
 * approval) name one of its branches. Returns the issues and the edges whose ends both exist, for the
 * cycle check.
 */
export function checkEdges(
  rawEdges: readonly unknown[],
  nodes: NodeSummary,
): { issues: GraphIssue[]; connected: WorkflowEdge[] } {
  const issues: GraphIssue[] = [];
  const connected: WorkflowEdge[] = [];
  const firstIndexById = new Map<string, number>();

  rawEdges.forEach((raw, index) => {
    const at = ["edges", index] as const;
    const parsed = WorkflowEdgeSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = formatPath(toIssuePath(issue.path));
        issues.push({
          code: "invalid_shape",
          message: `${formatPath(at)}: ${field === "" ? "" : `${field}: `}${issue.message}`,
          path: [...at, ...toIssuePath(issue.path)],
          ...(field === "" ? {} : { field }),
        });
      }
      return;
    }
    const edge = parsed.data;
    const firstIndex = firstIndexById.get(edge.id);
    if (firstIndex !== undefined) {
      issues.push({
        code: "duplicate_id",
        message: `Duplicate edge id "${edge.id}" (edges[${firstIndex}] and edges[${index}])`,
        path: [...at, "id"],
        edgeId: edge.id,
        field: "id",
      });
      return;
    }
    firstIndexById.set(edge.id, index);

    let dangling = false;
    for (const end of ["source", "target"] as const) {
      if (nodes.ids.has(edge[end])) continue;
      dangling = true;
      issues.push({
        code: "dangling_edge",
        message: `Edge "${edge.id}": ${end} node "${edge[end]}" does not exist`,
        path: [...at, end],
        edgeId: edge.id,
        field: end,
      });
    }
    if (dangling) return;
    connected.push(edge);

    const handle = edge.sourceHandle;
    const sourceType = nodes.typeById.get(edge.source);
    const allowed = sourceType === undefined ? undefined : BRANCH_HANDLES[sourceType];
    if (allowed !== undefined && !allowed.includes(handle ?? "")) {
      issues.push({
        code: "invalid_handle",
        message: `Edge "${edge.id}": edges leaving ${sourceType} node "${edge.source}" must use sourceHandle ${listHandles(allowed)} (got ${handle == null ? "none" : `"${handle}"`})`,
        path: [...at, "sourceHandle"],
        edgeId: edge.id,
        nodeId: edge.source,
        field: "sourceHandle",
      });
    }
  });

  return { issues, connected };
}

/** `"true" or "false"`, `"approved", "rejected" or "timeout"`. */
function listHandles(handles: readonly string[]): string {
  const quoted = handles.map((handle) => `"${handle}"`);
  return quoted.length < 2 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
