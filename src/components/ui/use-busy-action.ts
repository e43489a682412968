"use client";

import { useState } from "react";

/**
 * One button's action at a time, with its error shown: `run(key, action)` marks `key` busy, clears the
 * last error, and turns a thrown error into the message to show. Components disable their buttons while
 * `busy` is set (to the key of the action under way).
 */
export function useBusyAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(key: string, action: () => Promise<void>) {
    setBusy(key);
    setError(null);
    try {
      await action();
    } catch (thrown) {
      setError(thrown instanceof Error ? thrown.message : String(thrown));
    } finally {
      setBusy(null);
    }
  }

  return { busy, error, setError, run };
}
