import type { Edge, Node } from "@xyflow/react";
import { nextEdgeId, nextNodeId } from "./node-ids";

/** What Ctrl/Cmd+C keeps: the selected nodes and the edges between them. */
export type Clipboard = { nodes: Node[]; edges: Edge[] };

export const PASTE_OFFSET = 40;

export function copySelection(nodes: readonly Node[], edges: readonly Edge[]): Clipboard | null {
  const picked = nodes.filter((node) => node.selected);
  if (picked.length === 0) return null;
  const ids = new Set(picked.map((node) => node.id));
  return {
    nodes: picked.map((node) =>
      structuredClone({ id: node.id, type: node.type, position: node.position, data: node.data }),
    ),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => structuredClone({ ...edge, selected: false })),
  };
}

/**
 * The clipboard as new elements: fresh ids (from each node's type), edges re-pointed at the copies,
 * positions shifted by `offset`; the copies come selected so the next paste or move applies to them.
 */
export function pasteClipboard(
  clipboard: Clipboard,
  taken: { nodeIds: ReadonlySet<string>; edgeIds: ReadonlySet<string> },
  offset: number,
): Clipboard {
  const nodeIds = new Set(taken.nodeIds);
  const edgeIds = new Set(taken.edgeIds);
  const renamed = new Map<string, string>();
  const nodes = clipboard.nodes.map((node) => {
    const id = nextNodeId(node.type ?? "node", nodeIds);
    nodeIds.add(id);
    renamed.set(node.id, id);
    return {
      ...structuredClone(node),
      id,
      position: { x: node.position.x + offset, y: node.position.y + offset },
      selected: true,
    };
  });
  const edges = clipboard.edges.map((edge) => {
    const source = renamed.get(edge.source) ?? edge.source;
    const target = renamed.get(edge.target) ?? edge.target;
    const id = nextEdgeId(source, target, edgeIds);
    edgeIds.add(id);
    return { ...structuredClone(edge), id, source, target, selected: true };
  });
  return { nodes, edges };
}
