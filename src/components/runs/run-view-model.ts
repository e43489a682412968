import type { StepUsage, StoredOutputMarker } from "@/contracts/step-usage";
import type { RunStepRow } from "./run-steps";

/** Pure helpers for the run view: what each node shows as its status, and the timeline's geometry. */

export type { StepUsage, StoredOutputMarker };

export function isStoredOutputMarker(value: unknown): value is StoredOutputMarker {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { $stored?: unknown }).$stored === true &&
    typeof (value as { sizeBytes?: unknown }).sizeBytes === "number"
  );
}

/** How a re-run came about: the nodes it did not execute (reused, or the one given an edited output). */
export type RerunOrigin = {
  sourceRunId: string;
  fromNodeId: string | null;
  reusedNodeIds: readonly string[];
  editedNodeId: string | null;
};

/**
 * Each node's status for the graph: its step's status (an approval waiting on a person shows
 * `waiting`), `edited` or `reused` for the nodes a re-run did not execute.
 */
export function statusByNode(
  steps: readonly RunStepRow[],
  runStatus: string,
  origin: RerunOrigin | null,
): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const id of origin?.reusedNodeIds ?? []) statuses.set(id, "reused");
  if (origin?.editedNodeId) statuses.set(origin.editedNodeId, "edited");
  for (const step of steps) {
    const waiting = step.nodeType === "approval" && step.status === "running" && runStatus === "waiting";
    statuses.set(step.nodeId, waiting ? "waiting" : step.status);
  }
  return statuses;
}

/** The node the detail panel opens on: the failing node when the run failed. */
export function defaultSelectedNode(steps: readonly RunStepRow[]): string | null {
  return steps.find((step) => step.status === "failed")?.nodeId ?? null;
}

export type TimelineBar = {
  nodeId: string;
  status: string;
  offsetPct: number;
  widthPct: number;
  durationMs: number | null;
};

/**
 * One bar per node that started, placed within the run's span (first start to last finish, or `now`
 * for a node still going): its offset and width in percent, at least a sliver so a fast node shows.
 */
export function timelineBars(steps: readonly RunStepRow[], now: number): TimelineBar[] {
  const timed = steps
    .filter((step) => step.startedAt !== null)
    .map((step) => {
      const start = Date.parse(step.startedAt as string);
      const end = step.finishedAt
        ? Date.parse(step.finishedAt)
        : step.durationMs !== null
          ? start + step.durationMs
          : Math.max(now, start);
      return { step, start, end: Math.max(end, start) };
    })
    .sort((a, b) => a.start - b.start);
  const first = timed[0];
  if (!first) return [];
  const t0 = first.start;
  const span = Math.max(1, Math.max(...timed.map((t) => t.end)) - t0);
  return timed.map(({ step, start, end }) => ({
    nodeId: step.nodeId,
    status: step.status,
    offsetPct: ((start - t0) / span) * 100,
    widthPct: Math.max(0.5, ((end - start) / span) * 100),
    durationMs: step.durationMs,
  }));
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
