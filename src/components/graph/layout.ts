import dagre from "@dagrejs/dagre";

/** What layout needs of a node or an edge; xyflow's and the saved graph's shapes both fit. */
type LayoutNode = {
  id: string;
  width?: number;
  height?: number;
  measured?: { width?: number; height?: number };
};
type LayoutEdge = { source: string; target: string };

/** A node card's size before the browser has measured it (the card's CSS keeps close to this). */
export const NODE_SIZE = { width: 200, height: 64 } as const;

/**
 * Left-to-right positions for a graph (dagre: layered, synchronous, a few ms for 200 nodes). Edges to
 * nodes that are not in the list are ignored, so a half-built draft still lays out.
 */
export function layoutPositions(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 32, ranksep: 72, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, sizeOf(node));
  }
  for (const edge of edges) {
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target);
  }
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const placed = graph.node(node.id);
    const { width, height } = sizeOf(node);
    // dagre answers centres; xyflow positions are top-left corners.
    positions.set(node.id, { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) });
  }
  return positions;
}

function sizeOf(node: LayoutNode) {
  return {
    width: node.measured?.width ?? node.width ?? NODE_SIZE.width,
    height: node.measured?.height ?? node.height ?? NODE_SIZE.height,
  };
}

/** True when every node sits at the origin: a graph made by the API without positions. */
export function needsLayout(nodes: readonly { position?: { x: number; y: number } }[]): boolean {
  return (
    nodes.length > 1 &&
    nodes.every((node) => !node.position || (node.position.x === 0 && node.position.y === 0))
  );
}
