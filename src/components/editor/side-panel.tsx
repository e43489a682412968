"use client";

import type { Node } from "@xyflow/react";
import { InputSchemaEditor } from "@/components/editor/config/input-schema-editor";
import { NodeConfigPanel } from "@/components/editor/config/node-config-panel";
import type { NodeIssue } from "./issues-by-node";

export type WorkflowMeta = {
  name: string;
  description: string;
  tags: string[];
  inputSchema: Record<string, unknown> | null;
};

/**
 * The right-hand panel: the selected node's configuration, or — with nothing selected — the
 * workflow's own fields and its input schema.
 */
export function SidePanel({
  selectedNodes,
  selectedEdgeCount,
  nodeIssues,
  inputSchemaIssues,
  meta,
  renameError,
  onNodeData,
  onRename,
  onMeta,
}: {
  selectedNodes: readonly Node[];
  selectedEdgeCount: number;
  nodeIssues: ReadonlyMap<string, NodeIssue[]>;
  inputSchemaIssues: NodeIssue[];
  meta: WorkflowMeta;
  /** A refused rename, shown while its node stays selected. */
  renameError: { nodeId: string; message: string } | null;
  onNodeData: (id: string, data: Record<string, unknown>) => void;
  onRename: (oldId: string, newId: string) => void;
  onMeta: (patch: Partial<WorkflowMeta>) => void;
}) {
  const only = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
  if (only) {
    return (
      <aside className="editor-side" aria-label="Node configuration">
        {renameError?.nodeId === only.id && (
          <p className="banner" role="alert">
            {renameError.message}
          </p>
        )}
        <NodeConfigPanel
          key={only.id}
          node={{ id: only.id, type: only.type ?? "", data: only.data }}
          issues={nodeIssues.get(only.id) ?? []}
          onChange={(data) => onNodeData(only.id, data)}
          onRename={(newId) => onRename(only.id, newId)}
        />
      </aside>
    );
  }
  if (selectedNodes.length > 1 || selectedEdgeCount > 0) {
    return (
      <aside className="editor-side" aria-labelledby="selection-heading">
        <h2 id="selection-heading">Selection</h2>
        <p>
          {selectedNodes.length} {selectedNodes.length === 1 ? "node" : "nodes"}, {selectedEdgeCount}{" "}
          {selectedEdgeCount === 1 ? "connection" : "connections"} selected.
        </p>
        <p className="muted">
          Delete removes them; Ctrl/Cmd+C copies the nodes and the connections between them.
        </p>
      </aside>
    );
  }
  return (
    <aside className="editor-side" aria-labelledby="workflow-heading">
      <h2 id="workflow-heading">Workflow</h2>
      <label className="editor-field">
        Name
        <input value={meta.name} maxLength={120} onChange={(event) => onMeta({ name: event.target.value })} />
      </label>
      <label className="editor-field">
        Description
        <textarea
          value={meta.description}
          maxLength={2000}
          rows={3}
          onChange={(event) => onMeta({ description: event.target.value })}
        />
      </label>
      <InputSchemaEditor
        value={meta.inputSchema}
        issues={inputSchemaIssues}
        onChange={(inputSchema) => onMeta({ inputSchema })}
      />
    </aside>
  );
}
