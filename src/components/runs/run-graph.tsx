"use client";

import "@xyflow/react/dist/style.css";
import "./run-view.css";
import { type NodeMouseHandler, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import { type SavedGraph, toFlowElements } from "../graph/flow-elements";
import { GraphDecorationsProvider } from "../graph/graph-decorations";
import { FLOW_NODE_TYPES } from "../graph/workflow-node-card";

/** The canvas height in pixels (see the section's inline style). */
const RUN_GRAPH_HEIGHT = 420;

/** Room around the fitted graph, so an approval's branch labels at the right edge are not cut off. */
const FIT_VIEW_OPTIONS = { padding: 0.2 };

/**
 * The run's pinned graph, read-only, each node coloured by its status in this run; clicking a node
 * selects it (the detail panel follows).
 */
export function RunGraph({
  graph,
  statuses,
  selectedNodeId,
  onSelect,
}: {
  graph: SavedGraph;
  statuses: ReadonlyMap<string, string>;
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
}) {
  const elements = useMemo(() => toFlowElements(graph), [graph]);
  const nodes = useMemo(
    () => elements.nodes.map((node) => ({ ...node, selected: node.id === selectedNodeId })),
    [elements, selectedNodeId],
  );
  const decorations = useMemo(() => ({ statusByNode: statuses }), [statuses]);
  const onNodeClick: NodeMouseHandler = (_event, node) => onSelect(node.id);
  return (
    // React Flow measures its parent once mounted; its size is set inline, not only in a stylesheet
    // that may arrive later, so that measure never finds a zero height (React Flow's warning 004).
    <section className="flow-canvas run-graph" aria-label="Run graph" style={{ height: RUN_GRAPH_HEIGHT }}>
      <GraphDecorationsProvider value={decorations}>
        <ReactFlow
          style={{ width: "100%", height: "100%" }}
          nodes={nodes}
          edges={elements.edges}
          nodeTypes={FLOW_NODE_TYPES}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          deleteKeyCode={null}
          onNodeClick={onNodeClick}
          fitView
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.2}
        />
      </GraphDecorationsProvider>
    </section>
  );
}
