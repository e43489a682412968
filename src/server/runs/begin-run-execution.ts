import { and, eq, inArray, sql } from "drizzle-orm";
import { newId } from "@/lib/ids";
import type { Database, Transaction } from "../db/client";
import { rowsOf } from "../db/rows-of";
import { type Run, type RunEvent, runs, stepOutputs, workflowVersions } from "../db/schema";
import { eventWritesSql, toRunEvent } from "./append-run-events";
import { isOutputRef, OUTPUT_ALWAYS_INLINE_BYTES, type OutputRef } from "./output-refs";
import { isTerminalRunStatus } from "./statuses";

export type RunExecutionContext = {
  runId: string;
  workspaceId: string;
  graph: unknown;
  input: unknown;
  /** The nodes a partial run executes; null runs the whole graph. */
  nodeIds: string[] | null;
  /**
   * Outputs given for nodes the run does not execute (templates see them as `nodes.<id>`), as
   * references: the `start` step's result is memoized in Inngest's state, so it carries none of them.
   */
  seedOutputs: Record<string, unknown> | null;
};

export type BeginRunResult =
  | { kind: "begun"; context: RunExecutionContext; events: RunEvent[] }
  /** The run is over (cancelled before it started, say): nothing to execute. */
  | { kind: "over" }
  /** Another Inngest function run owns this run: this one must stop without writing. */
  | { kind: "claimed"; by: string };

/**
 * First step of an execution: claims the run for this Inngest function run
 * (`executionId`), moves it to `running`, creates one pending step row per node
 * it will execute (all of them, or a partial run's `nodeIds`) and returns what
 * the executor needs.
 *
 * One execution per run, whatever is re-sent: Inngest drops a repeated event id
 * for 24 hours only, while a run may wait for 30 days, so a start event re-sent
 * later (a client retry, the reconciler) starts a second function run. It finds
 * the run claimed and stops. Idempotent for its owner: a replayed start changes
 * nothing twice. A run whose claim the reconciler released (its owner is gone
 * from Inngest) is claimed by the next execution that reaches this step.
 */
export async function beginRunExecution(
  db: Database,
  runId: string,
  executionId: string,
): Promise<BeginRunResult> {
  return db.transaction(async (tx) => {
    // The run and its pinned version in one read (versions never change), the run row locked.
    const [row] = await tx
      .select({ run: runs, graph: workflowVersions.graph })
      .from(runs)
      .leftJoin(workflowVersions, eq(workflowVersions.id, runs.workflowVersionId))
      .where(eq(runs.id, runId))
      .for("update", { of: runs });
    const run = row?.run;
    if (!run || isTerminalRunStatus(run.status)) return { kind: "over" };
    if (run.executionId && run.executionId !== executionId) return { kind: "claimed", by: run.executionId };
    // A queued run is claimed together with its move to running, below.
    if (!run.executionId && run.status !== "queued") {
      await tx.update(runs).set({ executionId }).where(eq(runs.id, runId));
    }
    if (!row.graph) throw new Error(`run ${runId} points at a missing workflow version`);
    const graphNodes = (row.graph as { nodes: Array<{ id: string; type: string }> }).nodes;
    const executed = run.nodeIds ? new Set(run.nodeIds) : null;
    const nodes = executed ? graphNodes.filter((node) => executed.has(node.id)) : graphNodes;

    const events = run.status === "queued" ? await startRunning(tx, run, executionId, nodes) : [];
    return {
      kind: "begun",
      context: {
        runId,
        workspaceId: run.workspaceId,
        graph: row.graph,
        input: run.input,
        nodeIds: run.nodeIds ?? null,
        seedOutputs: run.seedOutputs
          ? await seedReferences(tx, { runId, workspaceId: run.workspaceId }, run.seedOutputs)
          : null,
      },
      events,
    };
  });
}

/**
 * A queued run → running, claimed by `executionId`: one pending step row per node it executes and
 * its `run.status` event, in one statement (the run row is locked by the caller's transaction).
 */
async function startRunning(
  tx: Transaction,
  run: Run,
  executionId: string,
  nodes: Array<{ id: string; type: string }>,
): Promise<RunEvent[]> {
  const steps = nodes.map((node) => ({ id: newId("step"), node_id: node.id, node_type: node.type }));
  const writes = eventWritesSql({
    runId: run.id,
    workspaceId: run.workspaceId,
    events: [{ type: "run.status", data: { status: "running" }, dedupeKey: "status:running" }],
    baseSeq: sql`${run.eventSeq}::int`,
    runSet: sql`, status = 'running', execution_id = ${executionId}, started_at = now()`,
  });
  const result = await tx.execute(
    sql`with steps as (
      insert into run_steps (id, run_id, workspace_id, node_id, node_type)
      select s.id, ${run.id}, ${run.workspaceId}, s.node_id, s.node_type
      from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as s(id text, node_id text, node_type text)
      on conflict do nothing
    ),
    ${writes}
    select * from inserted order by seq`,
  );
  return rowsOf(result).map(toRunEvent);
}

/**
 * A partial run's seeded outputs as references: each one not already a reference (the source run's
 * large outputs are) is stored out of line once, as this run's output of that node (a seeded node
 * never executes in the run, so the row is unambiguous), and a replayed start finds it again.
 */
async function seedReferences(
  tx: Transaction,
  owner: { runId: string; workspaceId: string },
  seeds: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const sized = Object.entries(seeds).map(([nodeId, value]) => ({
    nodeId,
    value,
    sizeBytes: isOutputRef(value) ? 0 : Buffer.byteLength(JSON.stringify(value ?? null)),
  }));
  const moving = sized.filter((seed) => seed.sizeBytes > OUTPUT_ALWAYS_INLINE_BYTES);
  if (moving.length === 0) return seeds;
  const stored = await tx
    .select({ id: stepOutputs.id, nodeId: stepOutputs.nodeId, sizeBytes: stepOutputs.sizeBytes })
    .from(stepOutputs)
    .where(
      and(
        eq(stepOutputs.runId, owner.runId),
        inArray(
          stepOutputs.nodeId,
          moving.map((seed) => seed.nodeId),
        ),
      ),
    );
  const refs = new Map<string, OutputRef>(
    stored.map((row) => [row.nodeId, { $ref: row.id, sizeBytes: row.sizeBytes }]),
  );
  const missing = moving.filter((seed) => !refs.has(seed.nodeId));
  if (missing.length > 0) {
    const rows = missing.map((seed) => ({
      id: newId("stepOutput"),
      ...owner,
      nodeId: seed.nodeId,
      data: seed.value ?? null,
      sizeBytes: seed.sizeBytes,
    }));
    await tx.insert(stepOutputs).values(rows);
    for (const row of rows) refs.set(row.nodeId, { $ref: row.id, sizeBytes: row.sizeBytes });
  }
  return Object.fromEntries(sized.map((seed) => [seed.nodeId, refs.get(seed.nodeId) ?? seed.value]));
}
