"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { apiErrorMessage } from "../settings/api-error";
import type { DraftIssue } from "./issues-by-node";

export type SaveStatus =
  | { state: "idle" | "unsaved" | "saving" | "saved" }
  | { state: "error"; message: string };

/** What the drafts API answers to a save. */
export type SavedDraft = { draft: { baseVersion: number; updatedAt: string | null }; issues: DraftIssue[] };

export const AUTOSAVE_DELAY_MS = 800;

/**
 * Saves the draft ≈800 ms after the last change (`revision` counts changes; 0, the loaded draft, is
 * never saved). One save at a time: a change during a save is saved right after it. `flush` saves now
 * and answers whether everything is saved — Publish calls it first.
 */
export function useAutosave({
  workflowId,
  revision,
  body,
  onSaved,
}: {
  workflowId: string;
  revision: number;
  /** The draft body at the moment of the save (read then, not at each render). */
  body: () => Record<string, unknown>;
  onSaved: (answer: SavedDraft) => void;
}) {
  const [status, setStatus] = useState<SaveStatus>({ state: "idle" });
  const latest = useRef({ body, onSaved, revision });
  latest.current = { body, onSaved, revision };
  const savedRevision = useRef(0);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const save = useCallback(async (): Promise<boolean> => {
    while (inFlight.current) await inFlight.current;
    const revisionAtSave = latest.current.revision;
    if (revisionAtSave === savedRevision.current) return true;
    const attempt = (async () => {
      setStatus({ state: "saving" });
      try {
        const response = await fetch(`/api/workflows/${workflowId}/draft`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(latest.current.body()),
        });
        if (!response.ok) {
          setStatus({ state: "error", message: await apiErrorMessage(response) });
          return false;
        }
        savedRevision.current = revisionAtSave;
        latest.current.onSaved((await response.json()) as SavedDraft);
        setStatus({ state: "saved" });
        return true;
      } catch (error) {
        setStatus({ state: "error", message: (error as Error).message || "network error" });
        return false;
      }
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
    }
  }, [workflowId]);

  useEffect(() => {
    if (revision === savedRevision.current) return;
    // Until the save starts, say so: "Saved" would be a lie for the next 800 ms.
    setStatus((now) => (now.state === "saving" ? now : { state: "unsaved" }));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void save().then((ok) => {
        // A change made while this save was in flight gets its own save.
        if (ok && latest.current.revision !== savedRevision.current) void save();
      });
    }, AUTOSAVE_DELAY_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [revision, save]);

  // Leaving with changes not yet saved asks first (the browser's own prompt); a tab closed anyway
  // still sends them: a keepalive request outlives the page (up to 64 KB, most drafts).
  useEffect(() => {
    const unsaved = () => latest.current.revision !== savedRevision.current;
    const warn = (event: BeforeUnloadEvent) => {
      if (!unsaved()) return;
      event.preventDefault();
      // Chromium before 119 and Safari ask only when this is set as well.
      event.returnValue = "";
    };
    const sendLast = () => {
      if (!unsaved()) return;
      void fetch(`/api/workflows/${workflowId}/draft`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(latest.current.body()),
        keepalive: true,
      }).catch(() => undefined);
    };
    window.addEventListener("beforeunload", warn);
    window.addEventListener("pagehide", sendLast);
    return () => {
      window.removeEventListener("beforeunload", warn);
      window.removeEventListener("pagehide", sendLast);
    };
  }, [workflowId]);

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const ok = await save();
    return ok && latest.current.revision === savedRevision.current;
  }, [save]);

  /** Forgets unsaved changes (after a discard): the current revision counts as saved. */
  const reset = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    savedRevision.current = latest.current.revision;
    setStatus({ state: "idle" });
  }, []);

  return { status, flush, reset };
}
