import { takenHandle } from "../graph/branch-handles";
import { indexGraph } from "../graph/graph-index";
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from "../graph/schema";

/** What has happened so far in a run. Outputs are keyed by node id. */
export type PlanState = {
  completed: ReadonlyMap<string, unknown>;
  skipped: ReadonlySet<string>;
  /** Failed nodes block their descendants: those are neither ready nor skipped. */
  failed?: ReadonlySet<string>;
};

/** The next step of a run. */
export type Plan = {
  /** Nodes to run now, in parallel; topological order, then id. */
  ready: WorkflowNode[];
  /** Nodes newly decided not to run (every incoming edge untaken), in the same order. */
  skip: string[];
  /** Nothing is ready: the run has finished (or is blocked by a failure). */
  done: boolean;
};

/**
 * Decides, purely and deterministically, which nodes run next. A node is ready when every parent is
 * completed or skipped and at least one incoming edge was taken (roots are always ready). An edge is
 * taken when its source completed and, for a branching source, its sourceHandle equals the handle
 * the output takes (a condition's `String(output.result)`, an approval's `output.decision`). A node
 * whose parents are all decided but none of whose edges was taken is skipped, which cascades through
 * everything reachable only via the untaken branch; a fan-in that joins a taken and an untaken branch
 * still runs.
 */
export function planNext(graph: WorkflowGraph, state: PlanState): Plan {
  const index = indexGraph(graph);
  const skipped = new Set(state.skipped);
  const failed = state.failed ?? new Set<string>();
  const ready: WorkflowNode[] = [];
  const skip: string[] = [];

  const isTaken = (edge: WorkflowEdge): boolean => {
    if (!state.completed.has(edge.source)) return false;
    const source = index.nodesById.get(edge.source);
    const handle = source ? takenHandle(source.type, state.completed.get(edge.source)) : null;
    return handle === null || edge.sourceHandle === handle;
  };

  // Topological order means every parent's fate is settled before its children are looked at,
  // so one pass propagates skips all the way down.
  for (const id of index.order) {
    if (state.completed.has(id) || skipped.has(id) || failed.has(id)) continue;
    const node = index.nodesById.get(id);
    const edges = index.incoming.get(id) ?? [];
    if (node === undefined) continue;
    if (edges.length === 0) {
      ready.push(node);
      continue;
    }
    const allDecided = edges.every((edge) => state.completed.has(edge.source) || skipped.has(edge.source));
    if (!allDecided) continue;
    if (edges.some(isTaken)) {
      ready.push(node);
    } else {
      skipped.add(id);
      skip.push(id);
    }
  }

  return { ready, skip, done: ready.length === 0 };
}
