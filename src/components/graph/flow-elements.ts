import type { Edge, Node } from "@xyflow/react";
import { layoutPositions, NODE_SIZE, needsLayout } from "./layout";

/** A saved graph as the API answers it: xyflow's own node and edge shapes, loosely typed. */
export type SavedGraph = {
  nodes: readonly {
    id: string;
    type: string;
    position?: { x: number; y: number };
    data?: Record<string, unknown>;
  }[];
  edges: readonly {
    id: string;
    source: string;
    target: string;
    sourceHandle?: string | null;
    targetHandle?: string | null;
    type?: string;
    label?: string;
    data?: Record<string, unknown>;
  }[];
};

/**
 * The saved graph as xyflow elements. A graph made through the API without positions (every node at
 * the origin) is laid out first, so it never opens as one pile.
 */
export function toFlowElements(graph: SavedGraph): { nodes: Node[]; edges: Edge[] } {
  const positions = needsLayout(graph.nodes) ? layoutPositions(graph.nodes, graph.edges) : undefined;
  return {
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      type: node.type,
      position: positions?.get(node.id) ?? node.position ?? { x: 0, y: 0 },
      data: node.data ?? {},
      // Sizes before the browser measures a card: the minimap and "fit view" can place the nodes
      // that are off screen (and so never rendered or measured) on a large graph.
      initialWidth: NODE_SIZE.width,
      initialHeight: NODE_SIZE.height,
    })),
    edges: graph.edges.map((edge) => ({
      ...edge,
      sourceHandle: edge.sourceHandle ?? null,
      targetHandle: edge.targetHandle ?? null,
    })),
  };
}
