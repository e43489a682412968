import type { Edge, Node } from "@xyflow/react";
import type { SavedGraph } from "@/components/graph/flow-elements";

type SavedNode = SavedGraph["nodes"][number];
type SavedEdge = SavedGraph["edges"][number];

/**
 * The graph as the drafts API stores it: xyflow's own keys (selected, measured, dragging, width …) are
 * view state and stay out, so selecting or measuring a node never changes what is saved.
 */
export function toSavedGraph(nodes: readonly Node[], edges: readonly Edge[]): SavedGraph {
  return { nodes: nodes.map(toSavedNode), edges: edges.map(toSavedEdge) };
}

function toSavedNode(node: Node): SavedNode {
  return {
    id: node.id,
    type: node.type ?? "",
    position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    data: node.data,
  };
}

function toSavedEdge(edge: Edge): SavedEdge {
  const saved: {
    id: string;
    source: string;
    target: string;
    sourceHandle?: string;
    targetHandle?: string;
    type?: string;
    label?: string;
    data?: Record<string, unknown>;
  } = { id: edge.id, source: edge.source, target: edge.target };
  if (edge.sourceHandle) saved.sourceHandle = edge.sourceHandle;
  if (edge.targetHandle) saved.targetHandle = edge.targetHandle;
  if (edge.type) saved.type = edge.type;
  if (typeof edge.label === "string" && edge.label) saved.label = edge.label;
  if (edge.data && Object.keys(edge.data).length > 0) saved.data = edge.data;
  return saved;
}
