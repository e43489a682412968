"use client";

import { useEffect, useRef } from "react";

type KeyCommands = {
  onDelete: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onCopy: () => boolean;
  onPaste: () => void;
};

/**
 * The editor's shortcuts: Delete/Backspace, Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z (or Ctrl+Y), Ctrl/Cmd+C and V.
 * Keys typed into a field belong to the field, and a copy with text selected copies the text.
 */
export function useEditorKeys(commands: KeyCommands) {
  const latest = useRef(commands);
  latest.current = commands;

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || isTyping(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const run = latest.current;
      if (!mod && (key === "delete" || key === "backspace")) run.onDelete();
      else if (mod && key === "z" && !event.shiftKey) run.onUndo();
      else if (mod && ((key === "z" && event.shiftKey) || key === "y")) run.onRedo();
      else if (mod && key === "c" && !hasTextSelection()) {
        if (!run.onCopy()) return;
      } else if (mod && key === "v") run.onPaste();
      else return;
      event.preventDefault();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return selection !== null && !selection.isCollapsed && selection.toString().length > 0;
}
