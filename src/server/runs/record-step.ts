import { and, eq, ne, sql } from "drizzle-orm";
import type { NodeUsage } from "@/engine";
import type { Database, Transaction } from "../db/client";
import { type RunEvent, runSteps, runs } from "../db/schema";
import { appendRunEvents, type NewRunEvent } from "./append-run-events";
import { isTerminalRunStatus } from "./statuses";

/**
 * Writes one node's progress: the step row and its events in one transaction,
 * inside the durable step that did the work. Dedupe keys make a retried write
 * (the step succeeded but its answer to Inngest was lost) land once. Nothing is
 * written for a run that is already over: a cancelled run's step rows stay
 * cancelled even when a node that was in flight finishes afterwards.
 */

// Database time on both ends, so clock skew between app and database cannot produce odd durations.
const STEP_DURATION_MS = sql<number>`(extract(epoch from (now() - coalesce(${runSteps.startedAt}, now()))) * 1000)::int`;

type StepRef = { runId: string; workspaceId: string; nodeId: string; attempt: number };

/** The node's step row, unless it already succeeded: a late, duplicated attempt must not overwrite a success. */
function unfinishedStep(ref: StepRef) {
  return and(
    eq(runSteps.runId, ref.runId),
    eq(runSteps.nodeId, ref.nodeId),
    ne(runSteps.status, "succeeded"),
  );
}

/**
 * Locks the run row (the same lock event seqs are handed out under) and says
 * whether the run is still live. Taken first, so a cancel cannot slip in between.
 */
async function lockLiveRun(tx: Transaction, runId: string): Promise<boolean> {
  const [run] = await tx.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)).for("update");
  return run !== undefined && !isTerminalRunStatus(run.status);
}

export type StepStart =
  | { state: "run_over" }
  | { state: "already_succeeded"; output: unknown }
  | { state: "started"; events: RunEvent[] };

/**
 * Opens an attempt. Writes nothing when the run is already over (the node must
 * not execute) or when the node already succeeded — its result was stored but
 * Inngest never heard back — so the stored output is returned instead of doing
 * the node's work (an HTTP POST, say) a second time.
 */
export async function recordStepStarted(db: Database, ref: StepRef): Promise<StepStart> {
  return db.transaction(async (tx) => {
    if (!(await lockLiveRun(tx, ref.runId))) return { state: "run_over" };
    const [done] = await tx
      .select({ output: runSteps.output })
      .from(runSteps)
      .where(
        and(eq(runSteps.runId, ref.runId), eq(runSteps.nodeId, ref.nodeId), eq(runSteps.status, "succeeded")),
      );
    if (done) return { state: "already_succeeded", output: done.output };
    await tx
      .update(runSteps)
      .set({
        status: "running",
        attempt: ref.attempt,
        startedAt: sql`coalesce(${runSteps.startedAt}, now())`,
      })
      .where(unfinishedStep(ref));
    const events = await appendRunEvents(tx, {
      runId: ref.runId,
      workspaceId: ref.workspaceId,
      events: [
        {
          type: "step.started",
          nodeId: ref.nodeId,
          data: { attempt: ref.attempt },
          dedupeKey: `started:${ref.nodeId}:${ref.attempt}`,
        },
      ],
    });
    return { state: "started", events };
  });
}

export async function recordStepSucceeded(
  db: Database,
  ref: StepRef & { output: unknown; logs: NewRunEvent[]; usage?: NodeUsage | undefined },
): Promise<RunEvent[]> {
  return db.transaction(async (tx) => {
    if (!(await lockLiveRun(tx, ref.runId))) return [];
    const [updated] = await tx
      .update(runSteps)
      .set({
        status: "succeeded",
        attempt: ref.attempt,
        output: ref.output ?? null,
        error: null,
        // Model nodes: what the call used, for cost views without reading outputs.
        ...(ref.usage && {
          model: ref.usage.model,
          tokensIn: ref.usage.inputTokens,
          tokensOut: ref.usage.outputTokens,
          costUsd: ref.usage.costUsd,
        }),
        finishedAt: sql`now()`,
        durationMs: STEP_DURATION_MS,
      })
      .where(unfinishedStep(ref))
      .returning({ id: runSteps.id });
    if (updated) {
      await tx
        .update(runs)
        .set({ nodesSucceeded: sql`${runs.nodesSucceeded} + 1` })
        .where(eq(runs.id, ref.runId));
    }
    return appendAttemptEvents(tx, ref, {
      type: "step.completed",
      nodeId: ref.nodeId,
      data: { attempt: ref.attempt, output: ref.output ?? null },
      dedupeKey: `completed:${ref.nodeId}`,
    });
  });
}

export async function recordStepFailed(
  db: Database,
  ref: StepRef & {
    error: { message: string; code?: string; retriable: boolean };
    willRetry: boolean;
    logs: NewRunEvent[];
  },
): Promise<RunEvent[]> {
  return db.transaction(async (tx) => {
    if (!(await lockLiveRun(tx, ref.runId))) return [];
    await tx
      .update(runSteps)
      .set({
        status: ref.willRetry ? "running" : "failed",
        attempt: ref.attempt,
        error: ref.error,
        ...(ref.willRetry ? {} : { finishedAt: sql`now()`, durationMs: STEP_DURATION_MS }),
      })
      .where(unfinishedStep(ref));
    return appendAttemptEvents(tx, ref, {
      type: "step.failed",
      nodeId: ref.nodeId,
      data: { attempt: ref.attempt, error: ref.error, willRetry: ref.willRetry },
      dedupeKey: `failed:${ref.nodeId}:${ref.attempt}`,
    });
  });
}

/** The log lines an attempt produced, then the event that ends the attempt. */
function appendAttemptEvents(tx: Transaction, ref: StepRef & { logs: NewRunEvent[] }, closing: NewRunEvent) {
  return appendRunEvents(tx, {
    runId: ref.runId,
    workspaceId: ref.workspaceId,
    events: [
      ...ref.logs.map((log, index) => ({ ...log, dedupeKey: `log:${ref.nodeId}:${ref.attempt}:${index}` })),
      closing,
    ],
  });
}
