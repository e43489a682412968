import { eq } from "drizzle-orm";
import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { type RunEvent, runSteps, runs, workflowVersions } from "../db/schema";
import { appendRunEvents } from "./append-run-events";
import { isTerminalRunStatus } from "./statuses";

export type RunExecutionContext = {
  runId: string;
  workspaceId: string;
  graph: unknown;
  input: unknown;
  /** The nodes a partial run executes; null runs the whole graph. */
  nodeIds: string[] | null;
  /** Outputs given for nodes the run does not execute (templates see them as `nodes.<id>`). */
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
    const [run] = await tx.select().from(runs).where(eq(runs.id, runId)).for("update");
    if (!run || isTerminalRunStatus(run.status)) return { kind: "over" };
    if (run.executionId && run.executionId !== executionId) return { kind: "claimed", by: run.executionId };
    if (!run.executionId) {
      await tx.update(runs).set({ executionId }).where(eq(runs.id, runId));
    }
    const [version] = await tx
      .select()
      .from(workflowVersions)
      .where(eq(workflowVersions.id, run.workflowVersionId));
    if (!version) throw new Error(`run ${runId} points at a missing workflow version`);
    const graphNodes = (version.graph as { nodes: Array<{ id: string; type: string }> }).nodes;
    const executed = run.nodeIds ? new Set(run.nodeIds) : null;
    const nodes = executed ? graphNodes.filter((node) => executed.has(node.id)) : graphNodes;

    let events: RunEvent[] = [];
    if (run.status === "queued") {
      const now = new Date();
      await tx
        .update(runs)
        .set({ status: "running", startedAt: now, lastProgressAt: now })
        .where(eq(runs.id, runId));
      if (nodes.length > 0) {
        await tx
          .insert(runSteps)
          .values(
            nodes.map((node) => ({
              id: newId("step"),
              runId,
              workspaceId: run.workspaceId,
              nodeId: node.id,
              nodeType: node.type,
            })),
          )
          .onConflictDoNothing();
      }
      events = await appendRunEvents(tx, {
        runId,
        workspaceId: run.workspaceId,
        events: [{ type: "run.status", data: { status: "running" }, dedupeKey: "status:running" }],
      });
    }
    return {
      kind: "begun",
      context: {
        runId,
        workspaceId: run.workspaceId,
        graph: version.graph,
        input: run.input,
        nodeIds: run.nodeIds ?? null,
        seedOutputs: run.seedOutputs ?? null,
      },
      events,
    };
  });
}
