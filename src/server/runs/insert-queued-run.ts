import { newId } from "@/lib/ids";
import type { DatabaseOrTransaction } from "../db/client";
import { type Run, runs, type WorkflowVersion } from "../db/schema";
import { appendRunEvents } from "./append-run-events";

/** Everything but what the pinned version already says (tenant, workflow, version). */
export type QueuedRunValues = Omit<
  typeof runs.$inferInsert,
  "id" | "status" | "workspaceId" | "workflowId" | "workflowVersionId" | "version"
>;

/**
 * Inserts a run as `queued`, pinned to a workflow version (its workspace and
 * workflow come from the version row), with its first event, in one transaction, so a run
 * row never exists without the start of its log. Every way of starting a run
 * (full or partial) goes through here, then through `dispatchRunOrFail`.
 */
export async function insertQueuedRun(
  db: DatabaseOrTransaction,
  version: WorkflowVersion,
  values: QueuedRunValues,
): Promise<Run> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(runs)
      .values({
        ...values,
        id: newId("run"),
        workspaceId: version.workspaceId,
        workflowId: version.workflowId,
        workflowVersionId: version.id,
        version: version.version,
      })
      .returning();
    if (!inserted) throw new Error("insert returned no row");
    await appendRunEvents(tx, {
      runId: inserted.id,
      workspaceId: inserted.workspaceId,
      events: [
        {
          type: "run.status",
          data: { status: "queued", version: inserted.version },
          dedupeKey: "status:queued",
        },
      ],
    });
    return inserted;
  });
}
