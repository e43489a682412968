import type { WorkflowGraph } from "./schema";

/**
 * The part of a graph made of the given nodes and the edges between them, in the graph's own order.
 * Used to run a chosen slice of a workflow (one node alone, say): edges from nodes outside the slice
 * are dropped, so those nodes' outputs have to come in as seeds instead. Unknown ids are ignored.
 */
export function subgraph(graph: WorkflowGraph, nodeIds: Iterable<string>): WorkflowGraph {
  const keep = new Set(nodeIds);
  return {
    nodes: graph.nodes.filter((node) => keep.has(node.id)),
    edges: graph.edges.filter((edge) => keep.has(edge.source) && keep.has(edge.target)),
  };
}
