"use client";

import { ReactFlowProvider } from "@xyflow/react";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { SavedGraph } from "@/components/graph/flow-elements";
import { GraphDecorationsProvider } from "@/components/graph/graph-decorations";
import { RunForm } from "@/components/workflows/run-form";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import "./editor.css";
import { EditorHeader } from "./editor-header";
import { EditorToolbar } from "./editor-toolbar";
import { IssueList } from "./issue-list";
import { type DraftIssue, inputSchemaIssues, issueMessagesByNode, issuesByNode } from "./issues-by-node";
import { NodePalette } from "./node-palette";
import { toSavedGraph } from "./saved-graph";
import { SidePanel, type WorkflowMeta } from "./side-panel";
import { useAutosave } from "./use-autosave";
import { useEditorGraph } from "./use-editor-graph";
import { useEditorKeys } from "./use-editor-keys";

/**
 * The canvas renders in the browser only: a server-rendered canvas cannot be used before hydration
 * anyway, and rendering a 200-node graph on the server and hydrating it again doubled the page's load.
 */
const EditorCanvas = dynamic(() => import("./editor-canvas").then((module) => module.EditorCanvas), {
  ssr: false,
  loading: () => <section className="editor-canvas" aria-label="Workflow canvas" aria-busy="true" />,
});

type Draft = WorkflowMeta & { graph: unknown; baseVersion: number; updatedAt: string | null };
type Published = {
  version: number;
  inputSchema: Record<string, unknown> | null;
  exampleInput: Record<string, unknown>;
};

/** What the editor page loads: the draft (or the current version as one), its issues, the published version. */
export type EditorInitial = { workflowId: string; draft: Draft; issues: DraftIssue[]; published: Published };

/** The workflow editor: palette, canvas, config panel, issues, autosave, publish and run. */
export function WorkflowEditor({ initial }: { initial: EditorInitial }) {
  return (
    <ReactFlowProvider>
      <EditorShell initial={initial} />
    </ReactFlowProvider>
  );
}

function EditorShell({ initial }: { initial: EditorInitial }) {
  const { workflowId } = initial;
  const [revision, setRevision] = useState(0);
  const bump = useCallback(() => setRevision((value) => value + 1), []);
  const graph = useEditorGraph(initial.draft.graph as SavedGraph, bump);
  const [meta, setMeta] = useState<WorkflowMeta>(() => pickMeta(initial.draft));
  const [issues, setIssues] = useState<DraftIssue[]>(initial.issues);
  const [baseVersion, setBaseVersion] = useState(initial.draft.baseVersion);
  const [draftStored, setDraftStored] = useState(initial.draft.updatedAt !== null);
  const [unpublished, setUnpublished] = useState(initial.draft.updatedAt !== null);
  const [published, setPublished] = useState(initial.published);
  const [runOpen, setRunOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [renameError, setRenameError] = useState<{ nodeId: string; message: string } | null>(null);

  const metaRef = useRef(meta);
  metaRef.current = meta;
  const body = useCallback(() => {
    const { nodes, edges } = graph.snapshot();
    return { ...metaRef.current, graph: toSavedGraph(nodes, edges) };
  }, [graph.snapshot]);
  const onSaved = useCallback((answer: { draft: { baseVersion: number }; issues: DraftIssue[] }) => {
    setIssues(answer.issues);
    setBaseVersion(answer.draft.baseVersion);
    setDraftStored(true);
  }, []);
  const autosave = useAutosave({ workflowId, revision, body, onSaved });

  useEffect(() => {
    if (revision > 0) setUnpublished(true);
  }, [revision]);

  const byNode = useMemo(() => issuesByNode(issues), [issues]);
  const decorations = useMemo(() => ({ issuesByNode: issueMessagesByNode(byNode) }), [byNode]);
  const schemaIssues = useMemo(() => inputSchemaIssues(issues), [issues]);
  const selectedNodes = useMemo(() => graph.nodes.filter((node) => node.selected), [graph.nodes]);
  const selectedEdgeCount = useMemo(() => graph.edges.filter((edge) => edge.selected).length, [graph.edges]);

  useEditorKeys({
    onDelete: graph.deleteSelection,
    onUndo: graph.undo,
    onRedo: graph.redo,
    onCopy: graph.copy,
    onPaste: graph.paste,
  });

  const onMeta = useCallback(
    (patch: Partial<WorkflowMeta>) => {
      setMeta((current) => ({ ...current, ...patch }));
      bump();
    },
    [bump],
  );

  const onRename = useCallback(
    (oldId: string, newId: string) => {
      const problem = graph.renameNode(oldId, newId);
      setRenameError(problem ? { nodeId: oldId, message: problem } : null);
    },
    [graph.renameNode],
  );

  async function publish() {
    setBusy(true);
    setActionError(null);
    try {
      if (!(await autosave.flush()))
        return setActionError("The draft is not saved yet, so it cannot be published");
      let response = await publishRequest(workflowId, {});
      if (response.status === 409) {
        // Someone published since this draft began: say so, and publish over it only if asked to.
        const message = await apiErrorMessage(response);
        if (!window.confirm(`${message}\n\nPublish this draft anyway as the next version?`))
          return setActionError(`Not published: ${message}`);
        response = await publishRequest(workflowId, { force: true });
      }
      if (!response.ok) {
        const message = await apiErrorMessage(response.clone());
        const answered = await issuesOf(response);
        if (answered.length > 0) setIssues(answered);
        return setActionError(`Not published: ${message}`);
      }
      const workflow = (await response.json()) as {
        version: number;
        inputSchema: Record<string, unknown> | null;
      };
      setPublished((previous) => ({
        version: workflow.version,
        inputSchema: workflow.inputSchema,
        exampleInput: sameJson(previous.inputSchema, workflow.inputSchema) ? previous.exampleInput : {},
      }));
      setBaseVersion(workflow.version);
      setDraftStored(false);
      setUnpublished(false);
    } finally {
      setBusy(false);
    }
  }

  async function discard() {
    if (!window.confirm("Discard the draft and go back to the published version?")) return;
    setBusy(true);
    setActionError(null);
    try {
      autosave.reset();
      const deleted = await fetch(`/api/workflows/${workflowId}/draft`, { method: "DELETE" });
      if (!deleted.ok) return setActionError(`Not discarded: ${await apiErrorMessage(deleted)}`);
      const response = await fetch(`/api/workflows/${workflowId}/draft`);
      if (!response.ok)
        return setActionError(`Could not reload the workflow: ${await apiErrorMessage(response)}`);
      const answer = (await response.json()) as { draft: Draft; issues: DraftIssue[] };
      graph.replaceGraph(answer.draft.graph as SavedGraph);
      setMeta(pickMeta(answer.draft));
      setIssues(answer.issues);
      setBaseVersion(answer.draft.baseVersion);
      setDraftStored(false);
      setUnpublished(false);
      autosave.reset();
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="editor">
      <EditorHeader
        workflowId={workflowId}
        name={meta.name}
        baseVersion={baseVersion}
        draftStored={draftStored}
        saveStatus={autosave.status}
        canPublish={unpublished && issues.length === 0}
        busy={busy}
        runOpen={runOpen}
        onPublish={() => void publish()}
        onDiscard={() => void discard()}
        onToggleRun={() => setRunOpen((open) => !open)}
      />
      <ErrorBanner message={actionError} />
      {runOpen && (
        <section id="editor-run" className="card editor-run" aria-labelledby="run-heading">
          <h2 id="run-heading">Run v{published.version}</h2>
          {unpublished && (
            <p className="muted">Runs use the published version; publish to run your changes.</p>
          )}
          <RunForm
            key={published.version}
            workflowId={workflowId}
            inputSchema={published.inputSchema as Parameters<typeof RunForm>[0]["inputSchema"]}
            exampleInput={published.exampleInput}
          />
        </section>
      )}
      <div className="editor-body">
        <NodePalette onAdd={graph.addNode} />
        <div className="editor-main">
          <EditorToolbar
            canUndo={graph.canUndo}
            canRedo={graph.canRedo}
            hasSelection={selectedNodes.length > 0 || selectedEdgeCount > 0}
            onUndo={graph.undo}
            onRedo={graph.redo}
            onDelete={graph.deleteSelection}
            onCopy={graph.copy}
            onPaste={graph.paste}
            onAutoLayout={graph.autoLayout}
          />
          <GraphDecorationsProvider value={decorations}>
            <EditorCanvas
              nodes={graph.nodes}
              edges={graph.edges}
              onNodesChange={graph.onNodesChange}
              onEdgesChange={graph.onEdgesChange}
              onConnect={graph.onConnect}
              onNodeDragStart={graph.onNodeDragStart}
              onNodeDragStop={graph.onNodeDragStop}
            />
          </GraphDecorationsProvider>
          <IssueList issues={issues} onSelect={graph.focusElement} />
        </div>
        <SidePanel
          selectedNodes={selectedNodes}
          selectedEdgeCount={selectedEdgeCount}
          nodeIssues={byNode}
          inputSchemaIssues={schemaIssues}
          meta={meta}
          renameError={renameError}
          onNodeData={graph.updateNodeData}
          onRename={onRename}
          onMeta={onMeta}
        />
      </div>
    </main>
  );
}

function pickMeta(draft: WorkflowMeta): WorkflowMeta {
  return {
    name: draft.name,
    description: draft.description,
    tags: draft.tags,
    inputSchema: draft.inputSchema,
  };
}

async function issuesOf(response: Response): Promise<DraftIssue[]> {
  try {
    const body = (await response.json()) as { error?: { issues?: DraftIssue[] } };
    return body.error?.issues ?? [];
  } catch {
    return [];
  }
}

function sameJson(a: unknown, b: unknown) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function publishRequest(workflowId: string, body: { force?: true }) {
  return fetch(`/api/workflows/${workflowId}/publish`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
