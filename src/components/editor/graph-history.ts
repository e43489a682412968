/** Undo and redo stacks of graph snapshots; the present is the editor's state, not kept here. */
export type History<T> = {
  past: T[];
  future: T[];
  /** What the last record was about and when, so typing into one field is one undo step. */
  lastKey?: string;
  lastAt?: number;
};

export const HISTORY_LIMIT = 100;
const COALESCE_MS = 1000;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [] };
}

/**
 * Records the snapshot from before a change. A change with the same `key` as the last one within a
 * second (keystrokes in one config field) extends that step instead of adding one.
 */
export function record<T>(history: History<T>, before: T, key?: string, now = Date.now()): History<T> {
  if (key && key === history.lastKey && history.lastAt !== undefined && now - history.lastAt < COALESCE_MS) {
    return { ...history, future: [], lastAt: now };
  }
  return { past: [...history.past, before].slice(-HISTORY_LIMIT), future: [], lastKey: key, lastAt: now };
}

/** The snapshot to go back to and the history after it, or null when there is nothing to undo. */
export function undo<T>(history: History<T>, present: T): { history: History<T>; snapshot: T } | null {
  const snapshot = history.past.at(-1);
  if (snapshot === undefined) return null;
  return { history: { past: history.past.slice(0, -1), future: [present, ...history.future] }, snapshot };
}

/** The snapshot to go forward to and the history after it, or null when there is nothing to redo. */
export function redo<T>(history: History<T>, present: T): { history: History<T>; snapshot: T } | null {
  const snapshot = history.future[0];
  if (snapshot === undefined) return null;
  return { history: { past: [...history.past, present], future: history.future.slice(1) }, snapshot };
}
