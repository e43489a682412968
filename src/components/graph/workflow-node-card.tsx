"use client";

import { Handle, type NodeProps, Position } from "@xyflow/react";
import { isNodeType, NODE_CATALOG, type NodeHandle } from "@/engine/catalog";
import { useNodeDecorations } from "./graph-decorations";
import { NodeIcon } from "./node-icon";

type CardData = { label?: string; config?: unknown };

/**
 * One node on the canvas: its catalog icon and title, its id (what templates call it), a handle per
 * input and output the catalog declares (branch nodes get one labelled handle per branch), and what the
 * view paints on it — a run status or the draft's issues.
 */
export function WorkflowNodeCard({ id, type, data, selected }: NodeProps) {
  const { status, issues } = useNodeDecorations(id);
  const entry = isNodeType(type) ? NODE_CATALOG[type] : undefined;
  const label = (data as CardData).label;
  const classes = [
    "flow-node",
    status ? `status-${status}` : "",
    issues.length > 0 ? "has-issues" : "",
    selected ? "selected" : "",
  ];
  return (
    <div className={classes.filter(Boolean).join(" ")} data-node-id={id} data-status={status}>
      <Handles handles={entry?.inputs ?? []} type="target" />
      <div className="flow-node-head">
        <NodeIcon icon={entry?.icon ?? "?"} />
        <span className="flow-node-title">{label || entry?.title || type}</span>
      </div>
      <div className="flow-node-meta">
        <code>{id}</code>
        {status && <span className="flow-node-status">{status}</span>}
        {issues.length > 0 && (
          <span className="flow-node-issues" title={issues.join("\n")}>
            {issues.length} {issues.length === 1 ? "issue" : "issues"}
          </span>
        )}
      </div>
      <Handles handles={entry?.outputs ?? []} type="source" />
    </div>
  );
}

function Handles({ handles, type }: { handles: readonly NodeHandle[]; type: "source" | "target" }) {
  const position = type === "target" ? Position.Left : Position.Right;
  return handles.map((handle, index) => {
    // Spread several handles down the side, each labelled with its branch.
    const top = `${((index + 1) * 100) / (handles.length + 1)}%`;
    return (
      <Handle
        key={handle.id ?? "default"}
        id={handle.id ?? undefined}
        type={type}
        position={position}
        style={{ top }}
        aria-label={handle.label ? `${type === "source" ? "output" : "input"} ${handle.label}` : undefined}
      >
        {handle.label && <span className={`flow-handle-label ${type}`}>{handle.label}</span>}
      </Handle>
    );
  });
}

/** xyflow picks a renderer by `node.type`; every Stepwise node type uses the same card. */
export const FLOW_NODE_TYPES = Object.fromEntries(
  Object.keys(NODE_CATALOG).map((type) => [type, WorkflowNodeCard]),
);
