import type { StepUsage, StoredOutputMarker } from "@/contracts/step-usage";
import { APPROVAL_DECISIONS, type ApprovalDecision } from "@/engine/catalog";
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
 * The word a node's status shows everywhere on the run page: its step's status, except that a node
 * waiting on a person (an open approval) or on a timer (a delay) is `waiting`, not `running`.
 */
export function shownStepStatus(step: Pick<RunStepRow, "nodeType" | "status">, runStatus: string): string {
  if (step.status !== "running") return step.status;
  const onPerson = step.nodeType === "approval" && runStatus === "waiting";
  return onPerson || step.nodeType === "delay" ? "waiting" : step.status;
}

/** Whether a person can decide this approval now (the table row and the node detail both offer it). */
export function isOpenApproval(step: Pick<RunStepRow, "nodeType" | "status">, runStatus: string): boolean {
  return step.nodeType === "approval" && shownStepStatus(step, runStatus) === "waiting";
}

/** How a finished approval ended, from its output (`{ decision }`); null for anything else. */
export function approvalDecisionOf(
  step: Pick<RunStepRow, "nodeType" | "status" | "output">,
): ApprovalDecision | null {
  if (step.nodeType !== "approval" || step.status !== "succeeded") return null;
  const decision = (step.output as { decision?: unknown } | null)?.decision;
  return (APPROVAL_DECISIONS as readonly unknown[]).includes(decision)
    ? (decision as ApprovalDecision)
    : null;
}

/** Attempts made, or a dash for a node that never started (pending, or skipped by a branch). */
export function formatAttempts(step: Pick<RunStepRow, "status" | "attempt" | "startedAt">): string {
  return step.status === "skipped" || step.startedAt === null ? "—" : String(step.attempt + 1);
}

/**
 * Each node's status for the graph: its step's shown status (see `shownStepStatus`), `edited` or
 * `reused` for the nodes a re-run did not execute.
 */
export function statusByNode(
  steps: readonly RunStepRow[],
  runStatus: string,
  origin: RerunOrigin | null,
): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const id of origin?.reusedNodeIds ?? []) statuses.set(id, "reused");
  if (origin?.editedNodeId) statuses.set(origin.editedNodeId, "edited");
  for (const step of steps) statuses.set(step.nodeId, shownStepStatus(step, runStatus));
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
 * Without a `now` (the server render and hydration, which must agree) a node still going is a sliver
 * at its start. `status` is the shown one (see `shownStepStatus`).
 */
export function timelineBars(
  steps: readonly RunStepRow[],
  runStatus: string,
  now: number | null,
): TimelineBar[] {
  const timed = steps
    .filter((step) => step.startedAt !== null)
    .map((step) => {
      const start = Date.parse(step.startedAt as string);
      const end = step.finishedAt
        ? Date.parse(step.finishedAt)
        : step.durationMs !== null
          ? start + step.durationMs
          : Math.max(now ?? start, start);
      return { step, start, end: Math.max(end, start) };
    })
    .sort((a, b) => a.start - b.start);
  const first = timed[0];
  if (!first) return [];
  const t0 = first.start;
  const span = Math.max(1, Math.max(...timed.map((t) => t.end)) - t0);
  return timed.map(({ step, start, end }) => ({
    nodeId: step.nodeId,
    status: shownStepStatus(step, runStatus),
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
