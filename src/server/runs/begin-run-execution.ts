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
};

/**
 * First step of an execution: moves the run to `running`, creates one pending
 * step row per node and returns what the executor needs. Idempotent: a replayed
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
    const nodes = (version.graph as { nodes: Array<{ id: string; type: string }> }).nodes;

    let events: RunEvent[] = [];
    if (run.status === "queued") {
      const now = new Date();
      await tx
        .update(runs)
        .set({ status: "running", startedAt: now, lastProgressAt: now })
        .where(eq(runs.id, runId));
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
      events = await appendRunEvents(tx, {
        runId,
        workspaceId: run.workspaceId,
        events: [{ type: "run.status", data: { status: "running" }, dedupeKey: "status:running" }],
      });
    }
    return {
      context: { runId, workspaceId: run.workspaceId, graph: version.graph, input: run.input },
      events,
    };
  });
}
