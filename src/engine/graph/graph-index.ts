import { compareIds } from "./find-cycles";
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from "./schema";

/** Lookups the planner and orchestrator need on every round, computed once per graph object. */
export type GraphIndex = {
  nodesById: ReadonlyMap<string, WorkflowNode>;
  incoming: ReadonlyMap<string, readonly WorkflowEdge[]>;
  outgoing: ReadonlyMap<string, readonly WorkflowEdge[]>;
  /** Node ids in topological order: by depth (longest path from a root), then id. Nodes on a cycle are absent. */
  order: readonly string[];
  /** Each node's transitive predecessors, in `order`. */
  ancestors: ReadonlyMap<string, readonly string[]>;
};

// Graphs are immutable once validated; caching by identity keeps planNext cheap inside the run loop.
const cache = new WeakMap<WorkflowGraph, GraphIndex>();

/** Builds (or returns the cached) {@link GraphIndex} of a validated graph. Do not mutate the graph afterwards. */
export function indexGraph(graph: WorkflowGraph): GraphIndex {
  const cached = cache.get(graph);
  if (cached !== undefined) return cached;

  const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
  const incoming = new Map<string, WorkflowEdge[]>(graph.nodes.map((node) => [node.id, []]));
  const outgoing = new Map<string, WorkflowEdge[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    incoming.get(edge.target)?.push(edge);
    outgoing.get(edge.source)?.push(edge);
  }

  const depth = longestPathDepths(graph.nodes, incoming, outgoing);
  const order = [...depth.keys()].sort(
    (a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || compareIds(a, b),
  );
  const position = new Map(order.map((id, i) => [id, i]));

  const ancestorSets = new Map<string, Set<string>>();
  for (const id of order) {
    const set = new Set<string>();
    for (const edge of incoming.get(id) ?? []) {
      set.add(edge.source);
      for (const ancestor of ancestorSets.get(edge.source) ?? []) set.add(ancestor);
    }
    ancestorSets.set(id, set);
  }
  const ancestors = new Map(
    [...ancestorSets].map(([id, set]) => [
      id,
      [...set].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)),
    ]),
  );

  const index: GraphIndex = { nodesById, incoming, outgoing, order, ancestors };
  cache.set(graph, index);
  return index;
}

/** Kahn's algorithm carrying the longest distance from a root; nodes on a cycle never get a depth. */
function longestPathDepths(
  nodes: readonly WorkflowNode[],
  incoming: ReadonlyMap<string, readonly WorkflowEdge[]>,
  outgoing: ReadonlyMap<string, readonly WorkflowEdge[]>,
): Map<string, number> {
  const remaining = new Map(nodes.map((node) => [node.id, incoming.get(node.id)?.length ?? 0]));
  const depth = new Map<string, number>();
  const queue = nodes.filter((node) => remaining.get(node.id) === 0).map((node) => node.id);
  for (const id of queue) depth.set(id, 0);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    if (id === undefined) break;
    for (const edge of outgoing.get(id) ?? []) {
      depth.set(edge.target, Math.max(depth.get(edge.target) ?? 0, (depth.get(id) ?? 0) + 1));
      const left = (remaining.get(edge.target) ?? 0) - 1;
      remaining.set(edge.target, left);
      if (left === 0) queue.push(edge.target);
    }
  }
  // Targets on a cycle got a provisional depth above; keep only nodes that were fully released.
  return new Map(queue.map((id) => [id, depth.get(id) ?? 0]));
}
