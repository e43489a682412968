"use client";

import {
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  useEdgesState,
  useNodesState,
  useReactFlow,
  useStoreApi,
} from "@xyflow/react";
import { useCallback, useMemo, useRef, useState } from "react";
import { type SavedGraph, toFlowElements } from "@/components/graph/flow-elements";
import { layoutPositions, NODE_SIZE } from "@/components/graph/layout";
import { isNodeType, NODE_CATALOG } from "@/engine/catalog";
import { type Clipboard, copySelection, PASTE_OFFSET, pasteClipboard } from "./clipboard";
import { emptyHistory, type History, record, redo, undo } from "./graph-history";
import { nextEdgeId, nextNodeId, renameProblem } from "./node-ids";

type Snapshot = { nodes: Node[]; edges: Edge[] };

const GAP_X = 80;
const GAP_Y = 24;

/**
 * The editor's graph: xyflow's node and edge state plus every edit the editor offers, each one an
 * undo step. `onChange` fires after each edit that changes what is saved (not on selection or
 * measuring), which is what the autosave counts. Call inside a ReactFlowProvider.
 */
export function useEditorGraph(initial: SavedGraph, onChange: () => void) {
  const start = useMemo(() => toFlowElements(initial), [initial]);
  const [nodes, setNodes, applyNodeChanges] = useNodesState(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState(start.edges);
  const flow = useReactFlow();
  const store = useStoreApi();

  // Callbacks read the latest graph through refs, so they stay stable for 200 memoized nodes.
  const current = useRef<Snapshot>({ nodes, edges });
  current.current = { nodes, edges };
  const historyRef = useRef<History<Snapshot>>(emptyHistory());
  const [canStep, setCanStep] = useState({ undo: false, redo: false });
  const dragStart = useRef<Snapshot | null>(null);
  const clipboard = useRef<{ content: Clipboard; pastes: number } | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  const setHistory = useCallback((history: History<Snapshot>) => {
    historyRef.current = history;
    setCanStep({ undo: history.past.length > 0, redo: history.future.length > 0 });
  }, []);

  /** Applies an edit as one undo step (or extends the last one with the same `key`). */
  const commit = useCallback(
    (next: Snapshot, key?: string) => {
      setHistory(record(historyRef.current, current.current, key));
      current.current = next;
      setNodes(next.nodes);
      setEdges(next.edges);
      changed.current();
    },
    [setEdges, setHistory, setNodes],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      // Arrow keys move selected nodes without a drag: each press is a move to save (one undo step
      // per burst). Drags are recorded once, at their end.
      if (!dragStart.current && changes.some((change) => movedByKeys(change, current.current.nodes))) {
        setHistory(record(historyRef.current, current.current, "key-move"));
        changed.current();
      }
      // Deleting goes through deleteSelection (one undo step); xyflow's own delete key is off.
      applyNodeChanges(changes.filter((change) => change.type !== "remove"));
    },
    [applyNodeChanges, setHistory],
  );

  const onNodeDragStart = useCallback(() => {
    dragStart.current = current.current;
  }, []);

  const onNodeDragStop = useCallback(() => {
    const before = dragStart.current;
    dragStart.current = null;
    if (!before || !positionsDiffer(before.nodes, current.current.nodes)) return;
    setHistory(record(historyRef.current, before));
    changed.current();
  }, [setHistory]);

  const onConnect = useCallback(
    (connection: Connection) => {
      const { nodes, edges } = current.current;
      const duplicate = edges.some(
        (edge) =>
          edge.source === connection.source &&
          edge.target === connection.target &&
          (edge.sourceHandle ?? null) === (connection.sourceHandle ?? null),
      );
      if (duplicate || connection.source === connection.target) return;
      const id = nextEdgeId(connection.source, connection.target, new Set(edges.map((edge) => edge.id)));
      commit({ nodes, edges: [...edges, { id, ...connection }] });
    },
    [commit],
  );

  const addNode = useCallback(
    (type: string) => {
      if (!isNodeType(type)) return;
      const entry = NODE_CATALOG[type];
      const { nodes, edges } = current.current;
      const selected = nodes.filter((node) => node.selected);
      const from = selected.length === 1 ? selected[0] : undefined;
      const id = nextNodeId(type, new Set(nodes.map((node) => node.id)));
      const wanted = from
        ? { x: from.position.x + (from.measured?.width ?? NODE_SIZE.width) + GAP_X, y: from.position.y }
        : viewCentre(store.getState());
      const node: Node = {
        id,
        type,
        position: freeSpot(nodes, wanted),
        data: { label: entry.title, config: structuredClone(entry.defaultConfig) },
        selected: true,
      };
      const deselected = nodes.map((other) => (other.selected ? { ...other, selected: false } : other));
      const fromEntry = from?.type && isNodeType(from.type) ? NODE_CATALOG[from.type] : undefined;
      const output = fromEntry && from ? firstFreeOutput(fromEntry.outputs, edges, from.id) : undefined;
      const input = entry.inputs[0];
      const link: Edge[] =
        from && output && input
          ? [
              {
                id: nextEdgeId(from.id, id, new Set(edges.map((edge) => edge.id))),
                source: from.id,
                target: id,
                sourceHandle: output.id,
                targetHandle: input.id,
              },
            ]
          : [];
      commit({ nodes: [...deselected, node], edges: [...edges, ...link] });
      // Bring it into view if it landed outside (a chain grows to the right, past the screen's edge).
      if (!inView(store.getState(), node.position)) {
        const zoom = store.getState().transform[2];
        const centre = {
          x: node.position.x + NODE_SIZE.width / 2,
          y: node.position.y + NODE_SIZE.height / 2,
        };
        requestAnimationFrame(() => void flow.setCenter(centre.x, centre.y, { zoom, duration: 200 }));
      }
    },
    [commit, flow, store],
  );

  const deleteSelection = useCallback(() => {
    const { nodes, edges } = current.current;
    const gone = new Set(nodes.filter((node) => node.selected).map((node) => node.id));
    const keptEdges = edges.filter(
      (edge) => !edge.selected && !gone.has(edge.source) && !gone.has(edge.target),
    );
    if (gone.size === 0 && keptEdges.length === edges.length) return;
    commit({ nodes: nodes.filter((node) => !gone.has(node.id)), edges: keptEdges });
  }, [commit]);

  const step = useCallback(
    (direction: "undo" | "redo") => {
      const result = (direction === "undo" ? undo : redo)(historyRef.current, current.current);
      if (!result) return;
      setHistory(result.history);
      current.current = result.snapshot;
      setNodes(result.snapshot.nodes);
      setEdges(result.snapshot.edges);
      changed.current();
    },
    [setEdges, setHistory, setNodes],
  );

  const copy = useCallback(() => {
    const content = copySelection(current.current.nodes, current.current.edges);
    if (content) clipboard.current = { content, pastes: 0 };
    return content !== null;
  }, []);

  const paste = useCallback(() => {
    const held = clipboard.current;
    if (!held) return;
    held.pastes += 1;
    const { nodes, edges } = current.current;
    const pasted = pasteClipboard(
      held.content,
      { nodeIds: new Set(nodes.map((node) => node.id)), edgeIds: new Set(edges.map((edge) => edge.id)) },
      PASTE_OFFSET * held.pastes,
    );
    commit({
      nodes: [...nodes.map((node) => (node.selected ? { ...node, selected: false } : node)), ...pasted.nodes],
      edges: [...edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)), ...pasted.edges],
    });
  }, [commit]);

  const autoLayout = useCallback(() => {
    const { nodes, edges } = current.current;
    const positions = layoutPositions(nodes, edges);
    commit({
      nodes: nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? node.position })),
      edges,
    });
    requestAnimationFrame(() => void flow.fitView({ padding: 0.15, duration: 200 }));
  }, [commit, flow]);

  const updateNodeData = useCallback(
    (id: string, data: Record<string, unknown>) => {
      const { nodes, edges } = current.current;
      commit(
        { nodes: nodes.map((node) => (node.id === id ? { ...node, data } : node)), edges },
        `data:${id}`,
      );
    },
    [commit],
  );

  /** Renames a node and re-points its edges; answers why not, or null once done. */
  const renameNode = useCallback(
    (oldId: string, newId: string): string | null => {
      const { nodes, edges } = current.current;
      const problem = renameProblem(newId, oldId, new Set(nodes.map((node) => node.id)));
      if (problem || newId === oldId) return problem;
      commit({
        nodes: nodes.map((node) => (node.id === oldId ? { ...node, id: newId } : node)),
        edges: edges.map((edge) => ({
          ...edge,
          source: edge.source === oldId ? newId : edge.source,
          target: edge.target === oldId ? newId : edge.target,
        })),
      });
      return null;
    },
    [commit],
  );

  /** Selects one element (an issue's node or edge) and brings it into view. */
  const focusElement = useCallback(
    (target: { nodeId?: string; edgeId?: string }) => {
      setNodes((nodes) => nodes.map((node) => withSelected(node, node.id === target.nodeId)));
      setEdges((edges) => edges.map((edge) => withSelected(edge, edge.id === target.edgeId)));
      const node = current.current.nodes.find((candidate) => candidate.id === target.nodeId);
      if (node) {
        const zoom = Math.max(flow.getZoom(), 0.8);
        void flow.setCenter(node.position.x + NODE_SIZE.width / 2, node.position.y + NODE_SIZE.height / 2, {
          zoom,
          duration: 200,
        });
      }
    },
    [flow, setEdges, setNodes],
  );

  const clearSelection = useCallback(() => focusElement({}), [focusElement]);

  /** Starts over from a saved graph (after a discard): no undo back into the discarded draft. */
  const replaceGraph = useCallback(
    (graph: SavedGraph) => {
      const next = toFlowElements(graph);
      current.current = next;
      setNodes(next.nodes);
      setEdges(next.edges);
      setHistory(emptyHistory());
      requestAnimationFrame(() => void flow.fitView({ padding: 0.15 }));
    },
    [flow, setEdges, setHistory, setNodes],
  );

  return {
    nodes,
    edges,
    onNodesChange,
    onEdgesChange,
    onConnect,
    onNodeDragStart,
    onNodeDragStop,
    addNode,
    deleteSelection,
    undo: useCallback(() => step("undo"), [step]),
    redo: useCallback(() => step("redo"), [step]),
    canUndo: canStep.undo,
    canRedo: canStep.redo,
    copy,
    paste,
    autoLayout,
    updateNodeData,
    renameNode,
    focusElement,
    clearSelection,
    replaceGraph,
    /** The graph as it is now, for a save (read at save time, not per render). */
    snapshot: useCallback(() => current.current, []),
  };
}

function positionsDiffer(before: readonly Node[], after: readonly Node[]): boolean {
  const was = new Map(before.map((node) => [node.id, node.position]));
  return after.some((node) => {
    const position = was.get(node.id);
    return !position || position.x !== node.position.x || position.y !== node.position.y;
  });
}

function movedByKeys(change: NodeChange, nodes: readonly Node[]): boolean {
  if (change.type !== "position" || change.dragging || !change.position) return false;
  const before = nodes.find((node) => node.id === change.id)?.position;
  return !before || before.x !== change.position.x || before.y !== change.position.y;
}

function withSelected<T extends { selected?: boolean }>(element: T, selected: boolean): T {
  return (element.selected ?? false) === selected ? element : { ...element, selected };
}

/** The flow position at the centre of the visible pane, for a node's top-left corner. */
function viewCentre(state: { width: number; height: number; transform: [number, number, number] }) {
  const [x, y, zoom] = state.transform;
  return {
    x: Math.round((state.width / 2 - x) / zoom - NODE_SIZE.width / 2),
    y: Math.round((state.height / 2 - y) / zoom - NODE_SIZE.height / 2),
  };
}

/** Whether a node placed at `position` is wholly on screen. */
function inView(
  state: { width: number; height: number; transform: [number, number, number] },
  position: { x: number; y: number },
) {
  const [x, y, zoom] = state.transform;
  const left = position.x * zoom + x;
  const top = position.y * zoom + y;
  return (
    left >= 0 &&
    top >= 0 &&
    left + NODE_SIZE.width * zoom <= state.width &&
    top + NODE_SIZE.height * zoom <= state.height
  );
}

/**
 * The output a new node hangs from: the first one with nothing connected yet (a condition's "true",
 * then "false"), or the first when every branch already leads somewhere.
 */
export function firstFreeOutput<H extends { id: string | null }>(
  outputs: readonly H[],
  edges: readonly { source: string; sourceHandle?: string | null }[],
  sourceId: string,
): H | undefined {
  const used = new Set(
    edges.filter((edge) => edge.source === sourceId).map((edge) => edge.sourceHandle ?? null),
  );
  return outputs.find((output) => !used.has(output.id)) ?? outputs[0];
}

/** The wanted position, moved down until no node sits (nearly) on it. */
function freeSpot(nodes: readonly Node[], wanted: { x: number; y: number }) {
  const spot = { ...wanted };
  const near = (node: Node) =>
    Math.abs(node.position.x - spot.x) < NODE_SIZE.width / 2 &&
    Math.abs(node.position.y - spot.y) < NODE_SIZE.height;
  for (let tries = 0; tries < 50 && nodes.some(near); tries++) spot.y += NODE_SIZE.height + GAP_Y;
  return spot;
}
