"use client";

import { ReactFlow } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import { type SavedGraph, toFlowElements } from "../graph/flow-elements";
import { FLOW_NODE_TYPES } from "../graph/workflow-node-card";
import "./workflows.css";

/** A version's graph on a read-only canvas: pan and zoom, nothing to drag, connect or select. */
export function VersionCanvas({ graph, label }: { graph: SavedGraph; label: string }) {
  const { nodes, edges } = useMemo(() => toFlowElements(graph), [graph]);
  return (
    <div className="version-canvas" role="img" aria-label={label}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={FLOW_NODE_TYPES}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        fitView
        proOptions={{ hideAttribution: true }}
      />
    </div>
  );
}
