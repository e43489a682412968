import { and, eq, type SQL, sql } from "drizzle-orm";
import type { NodeUsage } from "@/engine";
import type { Database } from "../db/client";
import { executePrepared } from "../db/execute-prepared";
import { rowsOf } from "../db/rows-of";
import { type RunEvent, runSteps } from "../db/schema";
import { eventWritesSql, type NewRunEvent, toRunEvent } from "./append-run-events";
import { TERMINAL_RUN_STATUSES } from "./statuses";

/**
 * Writes one node's progress: the step row and its events, inside the durable step that did the
 * work, each write one statement (atomic by itself, one round trip): it locks the run row (a cancel
 * cannot slip in; event seqs are handed out under it), updates the step row and — only if it did —
 * inserts the events and moves the run's counters. Dedupe keys make a retried write (the step
 * succeeded but its answer to Inngest was lost) land once. Nothing is written for a run that is
 * already over, or for a step that already succeeded: a cancelled run's step rows stay cancelled,
 * and a late duplicate attempt never overwrites a success.
 */

type StepRef = { runId: string; workspaceId: string; nodeId: string; attempt: number };

// Database time on both ends, so clock skew between app and database cannot produce odd durations.
const STEP_DURATION_MS = sql`(extract(epoch from (now() - coalesce(started_at, now()))) * 1000)::int`;

/** What a write that may find the node already done reports: nothing written, or what it wrote. */
export type GuardedStepWrite =
  | { state: "run_over" }
  | { state: "already_succeeded"; output: unknown }
  | { state: "written"; events: RunEvent[] };

/**
 * Opens an attempt of a node with side effects, before it runs. Writes nothing when the run is
 * already over (the node must not execute) or when the node already succeeded — its result was
 * stored but Inngest never heard back — so the stored output is returned instead of doing the
 * node's work (an HTTP POST, say) a second time.
 */
export async function recordStepStarted(db: Database, ref: StepRef): Promise<GuardedStepWrite> {
  const written = await writeStep(db, ref, {
    set: sql`status = 'running', attempt = ${ref.attempt}, started_at = coalesce(started_at, now())`,
    events: [startedEvent(ref)],
  });
  return guarded(db, ref, written);
}

type Success = { output: unknown; logs: NewRunEvent[]; usage?: NodeUsage | undefined };

/** Closes an attempt that succeeded: output, usage, duration, `step.completed` (after its logs). */
export async function recordStepSucceeded(db: Database, ref: StepRef & Success): Promise<RunEvent[]> {
  const written = await writeStep(db, ref, {
    set: sql`${succeededSet(ref)}, duration_ms = ${STEP_DURATION_MS}`,
    events: attemptEvents(ref, completedEvent(ref)),
    succeeded: true,
  });
  return written.events;
}

/** One finished attempt of a node without side effects, as the step journal holds it until written. */
export type PureStepRecord = {
  nodeId: string;
  attempt: number;
  output: unknown;
  logs: NewRunEvent[];
  durationMs: number;
  /** How long before the write the node finished (the journal held it meanwhile). */
  finishedAgoMs: number;
};

/**
 * Nodes without side effects record whole attempts — start and success (`step.started`, logs,
 * `step.completed`) — after they ran, several nodes of one run in one statement (see
 * step-record-journal.ts): lock the run; if it is live, mark each still unfinished step row
 * succeeded; write the events of the rows it updated, in the order given, and move the counters.
 * Times are the database's, set back by how long the journal held each record. A row that already
 * succeeded keeps its stored result (a duplicate attempt). Returns the events written (none for a
 * run that is over).
 */
export async function recordPureStepsSucceeded(
  db: Database,
  run: { runId: string; workspaceId: string },
  records: PureStepRecord[],
): Promise<RunEvent[]> {
  const steps = records.map((record) => ({
    node_id: record.nodeId,
    attempt: record.attempt,
    output: record.output ?? null,
    duration_ms: Math.max(0, Math.round(record.durationMs)),
    ago_ms: Math.max(0, Math.round(record.finishedAgoMs)),
  }));
  const events = records.flatMap((record) => {
    const ref = { ...run, nodeId: record.nodeId, attempt: record.attempt, logs: record.logs };
    return [startedEvent(ref), ...attemptEvents(ref, completedEvent({ ...ref, output: record.output }))];
  });
  const writes = eventWritesSql({
    ...run,
    events,
    baseSeq: sql`(select event_seq from run)`,
    onlyIf: sql`exists (select 1 from step)`,
    keepEvent: sql`e.node_id in (select node_id from step)`,
    runSet: sql`, nodes_succeeded = nodes_succeeded + (select count(*)::int from step)`,
  });
  const result = await executePrepared(
    db,
    sql`with run as (
      select event_seq, status not in (${terminalStatuses()}) as live from runs where id = ${run.runId} for update
    ),
    step as (
      update run_steps s set status = 'succeeded', attempt = r.attempt, output = nullif(r.output, 'null'::jsonb),
        error = null, duration_ms = r.duration_ms,
        finished_at = now() - make_interval(secs => r.ago_ms / 1000.0),
        started_at = coalesce(s.started_at, now() - make_interval(secs => (r.ago_ms + r.duration_ms) / 1000.0))
      from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb)
        as r(node_id text, attempt int, output jsonb, duration_ms int, ago_ms int)
      where s.run_id = ${run.runId} and s.node_id = r.node_id and s.status <> 'succeeded'
        and exists (select 1 from run where live)
      returning s.node_id
    ),
    ${writes}
    select * from inserted order by seq`,
  );
  return rowsOf(result).map(toRunEvent);
}

/**
 * Closes an attempt that failed: the error, and `running` while a retry follows or `failed` for
 * good. `started` adds the attempt's `step.started` (a node without side effects records its start
 * only now).
 */
export async function recordStepFailed(
  db: Database,
  ref: StepRef & {
    error: { message: string; code?: string; retriable: boolean };
    willRetry: boolean;
    logs: NewRunEvent[];
    started?: boolean;
  },
): Promise<RunEvent[]> {
  const status = ref.willRetry ? "running" : "failed";
  const finished = ref.willRetry ? sql`` : sql`, finished_at = now(), duration_ms = ${STEP_DURATION_MS}`;
  const failed: NewRunEvent = {
    type: "step.failed",
    nodeId: ref.nodeId,
    data: { attempt: ref.attempt, error: ref.error, willRetry: ref.willRetry },
    dedupeKey: `failed:${ref.nodeId}:${ref.attempt}`,
  };
  const written = await writeStep(db, ref, {
    // Every assignment reads the row as it was: the duration is taken before the start time is set.
    set: sql`status = ${status}, attempt = ${ref.attempt}, error = ${JSON.stringify(ref.error)}::jsonb${finished},
      started_at = coalesce(started_at, now())`,
    events: [...(ref.started ? [startedEvent(ref)] : []), ...attemptEvents(ref, failed)],
  });
  return written.events;
}

/**
 * One statement: lock the run row; if the run is live, update the node's unfinished step row; if it
 * was updated, write the events and move the run's counters (nodes succeeded, event seq, last
 * progress).
 */
async function writeStep(
  db: Database,
  ref: StepRef,
  change: { set: SQL; events: NewRunEvent[]; succeeded?: boolean },
): Promise<{ live: boolean; stepUpdated: boolean; events: RunEvent[] }> {
  const writes = eventWritesSql({
    runId: ref.runId,
    workspaceId: ref.workspaceId,
    events: change.events,
    baseSeq: sql`(select event_seq from run)`,
    onlyIf: sql`exists (select 1 from step)`,
    runSet: change.succeeded
      ? sql`, nodes_succeeded = nodes_succeeded + (select count(*)::int from step)`
      : undefined,
  });
  const result = await executePrepared(
    db,
    sql`with run as (
      select event_seq, status not in (${terminalStatuses()}) as live from runs where id = ${ref.runId} for update
    ),
    step as (
      update run_steps set ${change.set}
      where run_id = ${ref.runId} and node_id = ${ref.nodeId} and status <> 'succeeded'
        and exists (select 1 from run where live)
      returning 1
    ),
    ${writes}
    select exists (select 1 from run where live) as live, (select count(*)::int from step) as step_count,
      inserted.*
    from (select 1) as one left join inserted on true
    order by inserted.seq`,
  );
  const rows = rowsOf(result);
  return {
    live: rows[0]?.live === true,
    stepUpdated: Number(rows[0]?.step_count ?? 0) > 0,
    events: rows.filter((row) => row.seq !== null && row.seq !== undefined).map(toRunEvent),
  };
}

function terminalStatuses(): SQL {
  return sql.join(
    TERMINAL_RUN_STATUSES.map((status) => sql`${status}`),
    sql`, `,
  );
}

/** The assignments of a successful attempt (without its duration, which differs by path). */
function succeededSet(ref: StepRef & Success): SQL {
  const usage = ref.usage
    ? // Model nodes: what the call used, for cost views without reading outputs.
      sql`, model = ${ref.usage.model}, tokens_in = ${ref.usage.inputTokens ?? null}::int,
        tokens_out = ${ref.usage.outputTokens ?? null}::int, cost_usd = ${ref.usage.costUsd}::float8`
    : sql``;
  const output = ref.output === undefined || ref.output === null ? null : JSON.stringify(ref.output);
  return sql`status = 'succeeded', attempt = ${ref.attempt}, output = ${output}::jsonb, error = null,
    finished_at = now()${usage}`;
}

function startedEvent(ref: StepRef): NewRunEvent {
  return {
    type: "step.started",
    nodeId: ref.nodeId,
    data: { attempt: ref.attempt },
    dedupeKey: `started:${ref.nodeId}:${ref.attempt}`,
  };
}

function completedEvent(ref: StepRef & Success): NewRunEvent {
  return {
    type: "step.completed",
    nodeId: ref.nodeId,
    data: { attempt: ref.attempt, output: ref.output ?? null },
    dedupeKey: `completed:${ref.nodeId}`,
  };
}

/** The log lines an attempt produced, then the event that ends the attempt. */
function attemptEvents(ref: StepRef & { logs: NewRunEvent[] }, closing: NewRunEvent): NewRunEvent[] {
  return [
    ...ref.logs.map((log, index) => ({ ...log, dedupeKey: `log:${ref.nodeId}:${ref.attempt}:${index}` })),
    closing,
  ];
}

/**
 * A write that changed no step row met a run that is over, or a node that already succeeded (its
 * result was stored but Inngest never heard back): the stored output stands.
 */
async function guarded(
  db: Database,
  ref: StepRef,
  written: { live: boolean; stepUpdated: boolean; events: RunEvent[] },
): Promise<GuardedStepWrite> {
  if (!written.live) return { state: "run_over" };
  if (written.stepUpdated) return { state: "written", events: written.events };
  const [done] = await db
    .select({ output: runSteps.output })
    .from(runSteps)
    .where(
      and(eq(runSteps.runId, ref.runId), eq(runSteps.nodeId, ref.nodeId), eq(runSteps.status, "succeeded")),
    );
  return done ? { state: "already_succeeded", output: done.output } : { state: "written", events: [] };
}
