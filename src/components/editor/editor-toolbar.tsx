"use client";

import { memo } from "react";

/** The canvas's edit commands as buttons; the same commands have keyboard shortcuts. */
export const EditorToolbar = memo(function EditorToolbar({
  canUndo,
  canRedo,
  hasSelection,
  onUndo,
  onRedo,
  onDelete,
  onCopy,
  onPaste,
  onAutoLayout,
}: {
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onDelete: () => void;
  onCopy: () => void;
  onPaste: () => void;
  onAutoLayout: () => void;
}) {
  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Canvas tools">
      <button type="button" onClick={onUndo} disabled={!canUndo} title="Undo (Ctrl/Cmd+Z)">
        Undo
      </button>
      <button type="button" onClick={onRedo} disabled={!canRedo} title="Redo (Ctrl/Cmd+Shift+Z)">
        Redo
      </button>
      <button type="button" onClick={onDelete} disabled={!hasSelection} title="Delete the selection (Delete)">
        Delete
      </button>
      <button type="button" onClick={onCopy} disabled={!hasSelection} title="Copy the selection (Ctrl/Cmd+C)">
        Copy
      </button>
      <button type="button" onClick={onPaste} title="Paste (Ctrl/Cmd+V)">
        Paste
      </button>
      <button type="button" onClick={onAutoLayout} title="Lay the graph out left to right">
        Auto-layout
      </button>
    </div>
  );
});
