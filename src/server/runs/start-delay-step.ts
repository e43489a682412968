import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type RunEvent, runSteps, runs } from "../db/schema";
import { appendRunEvents } from "./append-run-events";
import { isTerminalRunStatus } from "./statuses";
import type { WaitStepRef } from "./wait-node-steps";

/**
 * A delay node's step begins when its sleep does: running, with its real start time, and its
 * `step.started` event. Its `node:<id>` step after the sleep keeps that start (coalesce), so the
 * stored duration is the sleep's, and its own `step.started` carries the same dedupe key (the same
 * attempt) and is dropped. Writes nothing unless the step is still pending: a run that is over
 * (cancelled), a retried write, or an older run that meets this step on replay after the node
 * already ran.
 */
export async function startDelayStep(db: Database, ref: WaitStepRef): Promise<RunEvent[]> {
  return db.transaction(async (tx) => {
    const [run] = await tx
      .select({ status: runs.status })
      .from(runs)
      .where(eq(runs.id, ref.runId))
      .for("update");
    if (!run || isTerminalRunStatus(run.status)) return [];
    const [opened] = await tx
      .update(runSteps)
      .set({
        status: "running",
        attempt: ref.attempt,
        startedAt: sql`coalesce(${runSteps.startedAt}, now())`,
      })
      .where(
        and(eq(runSteps.runId, ref.runId), eq(runSteps.nodeId, ref.nodeId), eq(runSteps.status, "pending")),
      )
      .returning({ id: runSteps.id });
    if (!opened) return [];
    return appendRunEvents(tx, {
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
  });
}
