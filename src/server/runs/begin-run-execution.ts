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

/**
 * First step of an execution: moves the run to `running`, creates one pending
 * step row per node it will execute (all of them, or a partial run's
 * `nodeIds`) and returns what the executor needs. Idempotent: a replayed
 * or duplicated start changes nothing twice. Returns null for a run that is
 * already over (cancelled before it started, say).
 */
export async function beginRunExecution(
  db: Database,
  runId: string,
): Promise<{ context: RunExecutionContext; events: RunEvent[] } | null> {
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(runs).where(eq(runs.id, runId)).for("update");
    if (!run || isTerminalRunStatus(run.status)) return null;
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
