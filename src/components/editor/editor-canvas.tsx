"use client";

import "@xyflow/react/dist/style.css";
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MiniMap,
  type Node,
  type NodeChange,
  ReactFlow,
  useNodesInitialized,
} from "@xyflow/react";
import { useEffect, useState } from "react";
import { FLOW_NODE_TYPES } from "@/components/graph/workflow-node-card";

declare global {
  interface Window {
    /** Set once the editor has drawn its first graph: what a browser measurement of load times waits for. */
    __stepwiseEditorReady?: boolean;
  }
}

const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.25 } as const;
const DEFAULT_EDGE_OPTIONS = { type: "smoothstep" } as const;

/**
 * The canvas: xyflow with the Stepwise node cards. Only what is in view renders (200-node drafts stay
 * responsive); deleting is the editor's own (one undo step), so xyflow's delete key is off.
 */
export function EditorCanvas({
  nodes,
  edges,
  onNodesChange,
  onEdgesChange,
  onConnect,
  onNodeDragStart,
  onNodeDragStop,
}: {
  nodes: Node[];
  edges: Edge[];
  onNodesChange: (changes: NodeChange[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  onConnect: (connection: Connection) => void;
  onNodeDragStart: () => void;
  onNodeDragStop: () => void;
}) {
  const [ready, setReady] = useState(false);
  const measured = useNodesInitialized();
  const drawn = measured || nodes.length === 0;
  useEffect(() => {
    if (!drawn || ready) return;
    // The frame after the cards are measured is the first one the browser paints them placed.
    const frame = requestAnimationFrame(() => {
      window.__stepwiseEditorReady = true;
      setReady(true);
    });
    return () => cancelAnimationFrame(frame);
  }, [drawn, ready]);
  useEffect(
    () => () => {
      window.__stepwiseEditorReady = false;
    },
    [],
  );

  return (
    <section className="editor-canvas" aria-label="Workflow canvas" data-ready={ready ? "true" : undefined}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={FLOW_NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onNodeDragStart}
        onSelectionDragStop={onNodeDragStop}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        deleteKeyCode={null}
        onlyRenderVisibleElements
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
      >
        <Background />
        <Controls />
        <MiniMap pannable zoomable />
      </ReactFlow>
    </section>
  );
}
