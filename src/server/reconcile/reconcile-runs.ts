import { and, eq, sql } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { Database } from "../db/client";
import { type Run, runs } from "../db/schema";
import { appendRunEvents } from "../runs/append-run-events";
import { dispatchRun } from "../runs/dispatch-run";
import { finishRunExecution } from "../runs/finish-run-execution";
import { publishRunEvents } from "../runs/publish-run-events";
import { isTerminalRunStatus } from "../runs/statuses";
import { takeStuckRuns } from "./find-stuck-runs";
import { createInngestRunsApi, type InngestRunsApi, isLiveFunctionRunStatus } from "./inngest-runs-api";

/** Sends of one run's start event before the reconciler gives up on Inngest ever running it. */
export const MAX_DISPATCHES = 5;

export type ReconcileAction =
  | "dispatched"
  | "redispatched"
  | "redriven"
  | "released"
  | "failed_orphaned"
  | "left_alone"
  | "unverifiable";

export type ReconcileDecision = { runId: string; action: ReconcileAction; reason: string };

export type ReconcileReport = { examined: number; decisions: ReconcileDecision[] };

/**
 * Repairs runs that look stuck, in bounded batches (see takeStuckRuns):
 *
 * - **queued, never dispatched** (the start event's send failed or timed out):
 *   send it again with the run id as event id — Inngest starts it at most once.
 * - **queued, dispatched, not started**: ask Inngest which function runs the event
 *   started. A live one (waiting for a concurrency slot, say) is left alone; none
 *   means the event was dropped: send a new event. If the first send's id is not
 *   known, the same id is sent again first.
 * - **running/waiting without progress**: ask Inngest about the function run that
 *   claimed it. Live (a week-long sleep, an approval) is left alone. Ended, or
 *   unknown to Inngest and not started by the run's event either, means orphaned:
 *   release the claim and send a new event, so a new execution picks the run up
 *   where its stored steps leave off (finished nodes are never run again).
 * - **sub-workflow children** are started by their parent's invoke, never by an
 *   event: a stuck child is failed when its parent is over, and otherwise its
 *   dead claim is released so the parent's next invoke can take it.
 * - After MAX_DISPATCHES sends, or when Inngest cannot tell, it stops trying: the
 *   run is failed with reason `orphaned`, or left for the next call.
 *
 * Every action is a `run.reconciled` event on the run. Runs Inngest cannot
 * answer about are skipped this time; nothing is failed on a guess.
 */
export async function reconcileRuns(
  db: Database,
  options: { now?: Date; api?: InngestRunsApi } = {},
): Promise<ReconcileReport> {
  const env = getEnv();
  const api = options.api ?? createInngestRunsApi();
  const taken = await takeStuckRuns(db, options.now ?? new Date(), {
    queuedAfterMs: env.RECONCILE_QUEUED_AFTER_S * 1000,
    stalledAfterMs: env.RECONCILE_STALLED_AFTER_S * 1000,
    limit: env.RECONCILE_BATCH_SIZE,
  });
  const decisions: ReconcileDecision[] = [];
  for (const run of taken) {
    const decision = await reconcileRun(db, api, run).catch((error: unknown) => {
      logger.warn({ runId: run.id, err: error }, "reconcile failed for a run");
      return { runId: run.id, action: "unverifiable" as const, reason: "the repair failed; retried later" };
    });
    decisions.push(decision);
  }
  const acted = decisions.filter((d) => d.action !== "left_alone" && d.action !== "unverifiable");
  if (acted.length > 0) logger.info({ decisions: acted }, "reconciler repaired runs");
  return { examined: taken.length, decisions };
}

async function reconcileRun(db: Database, api: InngestRunsApi, run: Run): Promise<ReconcileDecision> {
  const decide = (action: ReconcileAction, reason: string): ReconcileDecision => ({
    runId: run.id,
    action,
    reason,
  });

  if (run.parentRunId) return reconcileChild(db, api, run);
  if (run.dispatchAttempts >= MAX_DISPATCHES) {
    return failOrphaned(
      db,
      run,
      `Inngest did not run it after ${run.dispatchAttempts} sends of its start event`,
    );
  }

  if (run.status === "queued" && run.dispatchAttempts === 0) {
    return resend(db, run, "dispatched", "its start event was never accepted by Inngest", run.id);
  }

  if (run.executionId) {
    const state = await api.functionRun(run.executionId);
    if (state.kind === "live") return decide("left_alone", `its execution is ${state.status}`);
    if (state.kind === "unverifiable") return decide("unverifiable", state.reason);
    if (state.kind === "missing" && run.dispatchEventId) {
      // Inngest answers 500 for an unknown run, and so might an outage: confirm by the event.
      const started = await api.eventRuns(run.dispatchEventId);
      if (started.kind === "unverifiable") return decide("unverifiable", started.reason);
      if (started.runs.some((r) => r.id === run.executionId && isLiveFunctionRunStatus(r.status))) {
        return decide("left_alone", "its execution is live");
      }
    } else if (state.kind === "missing") {
      return decide("unverifiable", "Inngest does not know its execution, and the start event is unknown");
    }
    const why =
      state.kind === "ended"
        ? `its execution ended (${state.status})`
        : "Inngest no longer knows its execution";
    return redrive(db, run, run.executionId, `${why} before the run finished`);
  }

  // Dispatched, but no execution has claimed it yet (or the reconciler released the claim).
  if (!run.dispatchEventId) {
    return resend(db, run, "redispatched", "its start event's fate is unknown", run.id);
  }
  const started = await api.eventRuns(run.dispatchEventId);
  if (started.kind === "unverifiable") return decide("unverifiable", started.reason);
  if (started.runs.some((r) => isLiveFunctionRunStatus(r.status))) {
    return decide("left_alone", "Inngest has a live execution for it (it may be waiting for a slot)");
  }
  return resend(db, run, "redispatched", "Inngest started nothing for its start event", freshEventId(run));
}

async function reconcileChild(db: Database, api: InngestRunsApi, run: Run): Promise<ReconcileDecision> {
  const [parent] = await db
    .select({ status: runs.status })
    .from(runs)
    .where(eq(runs.id, run.parentRunId ?? ""));
  if (!parent || isTerminalRunStatus(parent.status)) {
    return failOrphaned(db, run, "its parent run is over");
  }
  if (!run.executionId) return { runId: run.id, action: "left_alone", reason: "its parent will invoke it" };
  const state = await api.functionRun(run.executionId);
  if (state.kind === "live")
    return { runId: run.id, action: "left_alone", reason: `its execution is ${state.status}` };
  if (state.kind === "unverifiable") return { runId: run.id, action: "unverifiable", reason: state.reason };
  const released = await releaseClaim(db, run, run.executionId, {
    action: "released",
    reason: "its execution is gone; its parent's next invoke takes it over",
  });
  return released
    ? { runId: run.id, action: "released", reason: "its execution is gone" }
    : { runId: run.id, action: "left_alone", reason: "it changed meanwhile" };
}

/** A new event id per re-drive, so Inngest's 24-hour dedup cannot swallow it. */
function freshEventId(run: Run): string {
  return `${run.id}-r${run.dispatchAttempts}`;
}

async function resend(
  db: Database,
  run: Run,
  action: "dispatched" | "redispatched",
  reason: string,
  eventId: string,
): Promise<ReconcileDecision> {
  const sent = await dispatchRun(db, run, eventId === run.id ? {} : { eventId });
  if (!sent.ok) return { runId: run.id, action: "unverifiable", reason: `could not send: ${sent.error}` };
  await recordDecision(db, run, { action, reason, eventId });
  return { runId: run.id, action, reason };
}

async function redrive(
  db: Database,
  run: Run,
  executionId: string,
  reason: string,
): Promise<ReconcileDecision> {
  const released = await releaseClaim(db, run, executionId, { action: "redriven", reason });
  if (!released) return { runId: run.id, action: "left_alone", reason: "it changed meanwhile" };
  const eventId = freshEventId(run);
  const sent = await dispatchRun(db, run, { eventId });
  // Unsent, the run has no owner and no live event: the next call sends again.
  if (!sent.ok) return { runId: run.id, action: "unverifiable", reason: `could not send: ${sent.error}` };
  return { runId: run.id, action: "redriven", reason };
}

/**
 * Hands the run to whichever execution reaches `start` next, only if the given
 * execution still holds it (compare and set), with the decision on record.
 */
async function releaseClaim(
  db: Database,
  run: Run,
  executionId: string,
  decision: { action: ReconcileAction; reason: string },
): Promise<boolean> {
  const events = await db.transaction(async (tx) => {
    const [released] = await tx
      .update(runs)
      .set({ executionId: null })
      .where(
        and(
          eq(runs.id, run.id),
          eq(runs.executionId, executionId),
          sql`${runs.status} in ('running', 'waiting', 'queued')`,
        ),
      )
      .returning({ id: runs.id });
    if (!released) return null;
    return appendRunEvents(tx, {
      runId: run.id,
      workspaceId: run.workspaceId,
      events: [
        {
          type: "run.reconciled",
          data: { ...decision, previousExecutionId: executionId },
          dedupeKey: `reconciled:${decision.action}:${executionId}`,
        },
      ],
    });
  });
  if (events === null) return false;
  publishRunEvents(events);
  return true;
}

async function failOrphaned(db: Database, run: Run, reason: string): Promise<ReconcileDecision> {
  const events = await finishRunExecution(db, {
    runId: run.id,
    conclusion: {
      status: "failed",
      skipped: [],
      error: { code: "orphaned", message: `The run was orphaned: ${reason}` },
    },
  });
  await recordDecision(db, run, { action: "failed_orphaned", reason });
  publishRunEvents(events);
  return { runId: run.id, action: "failed_orphaned", reason };
}

async function recordDecision(
  db: Database,
  run: Run,
  decision: { action: ReconcileAction; reason: string; eventId?: string },
): Promise<void> {
  const events = await db.transaction((tx) =>
    appendRunEvents(tx, {
      runId: run.id,
      workspaceId: run.workspaceId,
      events: [
        {
          type: "run.reconciled",
          data: decision,
          dedupeKey: `reconciled:${decision.action}:${run.dispatchAttempts}`,
        },
      ],
    }),
  );
  publishRunEvents(events);
}
