import type { NodeSummary } from "./check-nodes";
import { formatPath, type GraphIssue, toIssuePath } from "./graph-issue";
import { type WorkflowEdge, WorkflowEdgeSchema } from "./schema";

/** The handles a condition node exposes; they are compared with `String(output.result)` when planning. */
export const CONDITION_HANDLES = ["true", "false"] as const;

/**
 * Checks every edge: shape, unique id, both ends exist, and edges leaving a condition node name a
 * branch. Returns the issues and the edges whose ends both exist, for the cycle check.
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
    if (nodes.typeById.get(edge.source) === "condition" && !isConditionHandle(handle)) {
      issues.push({
        code: "invalid_handle",
        message: `Edge "${edge.id}": edges leaving condition node "${edge.source}" must use sourceHandle "true" or "false" (got ${handle == null ? "none" : `"${handle}"`})`,
        path: [...at, "sourceHandle"],
        edgeId: edge.id,
        nodeId: edge.source,
        field: "sourceHandle",
      });
    }
  });

  return { issues, connected };
}

function isConditionHandle(handle: string | null | undefined): boolean {
  return (CONDITION_HANDLES as readonly (string | null | undefined)[]).includes(handle);
}
