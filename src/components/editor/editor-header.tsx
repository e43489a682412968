"use client";

import Link from "next/link";
import type { SaveStatus } from "./use-autosave";

/** The editor's header: which version the draft builds on, the save state and the workflow actions. */
export function EditorHeader({
  workflowId,
  name,
  baseVersion,
  draftStored,
  saveStatus,
  canPublish,
  busy,
  runOpen,
  onPublish,
  onDiscard,
  onToggleRun,
}: {
  workflowId: string;
  name: string;
  baseVersion: number;
  draftStored: boolean;
  saveStatus: SaveStatus;
  canPublish: boolean;
  busy: boolean;
  runOpen: boolean;
  onPublish: () => void;
  onDiscard: () => void;
  onToggleRun: () => void;
}) {
  return (
    <header className="editor-header">
      <Link href={`/workflows/${workflowId}`}>← Workflow</Link>
      <h1>
        {name || "Untitled workflow"}{" "}
        <span className="muted editor-version">
          {draftStored ? `Draft (based on v${baseVersion})` : `v${baseVersion} published`}
        </span>
      </h1>
      <output className="editor-save-status" aria-live="polite">
        {saveLabel(saveStatus)}
      </output>
      <div className="editor-actions">
        <button type="button" onClick={onPublish} disabled={!canPublish || busy}>
          Publish
        </button>
        <button type="button" onClick={onDiscard} disabled={!draftStored || busy}>
          Discard draft
        </button>
        <button type="button" onClick={onToggleRun} aria-expanded={runOpen} aria-controls="editor-run">
          Run
        </button>
      </div>
    </header>
  );
}

function saveLabel(status: SaveStatus): string {
  switch (status.state) {
    case "idle":
      return "";
    case "unsaved":
      return "Unsaved changes";
    case "saving":
      return "Saving…";
    case "saved":
      return "Saved";
    case "error":
      return `Not saved: ${status.message}`;
  }
}
