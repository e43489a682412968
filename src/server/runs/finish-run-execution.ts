import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { executePrepared } from "../db/execute-prepared";
import { rowsOf } from "../db/rows-of";
import { type RunError, type RunEvent, type RunStatus, runSteps } from "../db/schema";
import { eventWritesSql, type NewRunEvent, toRunEvent } from "./append-run-events";
import { RUN_DURATION_MS } from "./run-duration";
import { TERMINAL_RUN_STATUSES } from "./statuses";

export type RunConclusion =
  | {
      status: "succeeded";
      output: unknown;
      skipped: string[];
      /** Continue-on-error nodes that failed: the run ends `partial` rather than `succeeded`. */
      failedNodes?: Array<{ nodeId: string }>;
    }
  | { status: "failed"; skipped: string[]; error: { message: string; code?: string; nodeId?: string } };

/**
 * Last step of an execution: records skipped nodes, cancels nodes the failure left unreached, and
 * moves the run to its terminal status with output or error, counts and duration. A run that is
 * already terminal is left as it is.
 *
 * One statement (one round trip, atomic by itself; it runs at the end of every run): it locks the
 * run row if the run is still live, and only then changes step rows, the run and its events. Every
 * part of a statement reads the rows as they were before it, so the counts add what the statement
 * itself moves: the skipped nodes, and the failing node if the failure never reached its row.
 */
export async function finishRunExecution(
  db: Database,
  args: { runId: string; conclusion: RunConclusion },
): Promise<RunEvent[]> {
  const { runId, conclusion } = args;
  const failedNodeId = conclusion.status === "failed" ? (conclusion.error.nodeId ?? null) : null;
  const error =
    conclusion.status === "failed"
      ? await failedNodeError(db, runId, conclusion.error)
      : partialError(conclusion);
  const status: RunStatus =
    conclusion.status === "succeeded" && (conclusion.failedNodes?.length ?? 0) > 0
      ? "partial"
      : conclusion.status;
  const output = conclusion.status === "succeeded" ? (conclusion.output ?? null) : null;

  const events: NewRunEvent[] = conclusion.skipped.map((nodeId) => ({
    type: "step.skipped",
    nodeId,
    data: {},
    dedupeKey: `skipped:${nodeId}`,
  }));
  events.push({
    type: "run.status",
    data: conclusion.status === "failed" ? { status, error } : { status, output },
    dedupeKey: `status:${status}`,
  });
  const live = sql`exists (select 1 from run)`;
  const skipped = sql`(select jsonb_array_elements_text(${JSON.stringify(conclusion.skipped)}::jsonb))`;
  const writes = eventWritesSql({
    runId,
    workspaceId: sql`(select workspace_id from run)`,
    events,
    baseSeq: sql`(select event_seq from run)`,
    onlyIf: live,
    runSet: sql`, status = ${status}, output = ${output === null ? null : JSON.stringify(output)}::jsonb,
      error = ${error ? JSON.stringify(error) : null}::jsonb,
      nodes_succeeded = (select succeeded from tally),
      nodes_failed = (select failed from tally) + (select count(*)::int from failed_step),
      nodes_skipped = (select skipped from tally) + (select count(*)::int from skipped_steps),
      finished_at = now(), duration_ms = ${RUN_DURATION_MS}`,
  });
  const terminal = sql.join(
    TERMINAL_RUN_STATUSES.map((terminalStatus) => sql`${terminalStatus}`),
    sql`, `,
  );
  const result = await executePrepared(
    db,
    sql`with run as (
      select event_seq, workspace_id from runs where id = ${runId} and status not in (${terminal}) for update
    ),
    failed_step as (
      -- The failure never reached the node's row (a storage error, say): it is marked failed here.
      update run_steps set status = 'failed', finished_at = now(),
        error = coalesce(error, ${error ? JSON.stringify({ message: error.message, code: error.code }) : null}::jsonb)
      where run_id = ${runId} and node_id = ${failedNodeId}::text and status in ('pending', 'running') and ${live}
      returning 1
    ),
    skipped_steps as (
      update run_steps set status = 'skipped'
      where run_id = ${runId} and node_id in ${skipped} and status = 'pending' and ${live}
      returning 1
    ),
    cancelled_steps as (
      -- Nodes the failure kept from running: they did not fail, they never got a turn.
      update run_steps set status = 'cancelled'
      where run_id = ${runId} and status in ('pending', 'running') and ${live}
        and not (status = 'pending' and node_id in ${skipped})
        and node_id is distinct from ${failedNodeId}::text
      returning 1
    ),
    tally as (
      select (count(*) filter (where status = 'succeeded'))::int as succeeded,
        (count(*) filter (where status = 'failed'))::int as failed,
        (count(*) filter (where status = 'skipped'))::int as skipped
      from run_steps where run_id = ${runId}
    ),
    ${writes}
    select * from inserted order by seq`,
  );
  return rowsOf(result).map(toRunEvent);
}

/**
 * The run's error, in the failing node's own words: the executor only passes a message through,
 * while the step row kept the node's error code.
 */
async function failedNodeError(
  db: Database,
  runId: string,
  reported: { message: string; code?: string; nodeId?: string },
): Promise<RunError> {
  if (!reported.nodeId) return reported;
  const [step] = await db
    .select({ error: runSteps.error })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, reported.nodeId)));
  return step?.error
    ? { message: step.error.message, code: step.error.code, nodeId: reported.nodeId }
    : { ...reported };
}

/** A partial run says which nodes it finished without. */
function partialError(conclusion: RunConclusion): RunError | null {
  if (conclusion.status !== "succeeded" || !conclusion.failedNodes?.length) return null;
  const ids = conclusion.failedNodes.map((node) => node.nodeId).join(", ");
  return {
    code: "nodes_failed",
    message: `Finished without ${ids}: they failed and are set to continue on error`,
  };
}
