import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { AppError, notFound } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { inngest } from "../../../inngest/client";
import { runCancelRequested } from "../../../inngest/events";
import type { Database } from "../db/client";
import { runSteps, runs } from "../db/schema";
import { appendRunEvents } from "./append-run-events";
import type { RunAcceptedDto } from "./contracts";
import { publishRunEvents } from "./publish-run-events";
import { RUN_DURATION_MS } from "./run-duration";
import { isTerminalRunStatus, TERMINAL_RUN_STATUSES } from "./statuses";

/**
 * Cancels a run that is not over yet. The run row is the truth and changes
 * first, under its lock: `cancelled`, nodes that had not finished `cancelled`,
 * a `run.status` event. Then Inngest is told, so execute-run stops before its
 * next step (`cancelOn`). If that message is lost the run still stays
 * cancelled: step writers leave a terminal run alone and refuse to start nodes.
 */
export async function cancelRun(
  db: Database,
  args: { workspaceId: string; runId: string; actorId: string },
): Promise<RunAcceptedDto> {
  const { workspaceId, runId } = args;
  const events = await db.transaction(async (tx) => {
    const [run] = await tx
      .select({ status: runs.status })
      .from(runs)
      .where(and(eq(runs.id, runId), eq(runs.workspaceId, workspaceId)))
      .for("update");
    if (!run) throw notFound("Run");
    if (isTerminalRunStatus(run.status)) throw new AppError("conflict", `run already ${run.status}`);

    await tx
      .update(runs)
      .set({
        status: "cancelled",
        finishedAt: sql`now()`,
        durationMs: RUN_DURATION_MS,
      })
      .where(eq(runs.id, runId));
    await tx
      .update(runSteps)
      .set({ status: "cancelled" })
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ["pending", "running"])));
    return appendRunEvents(tx, {
      runId,
      workspaceId,
      events: [
        {
          type: "run.status",
          data: { status: "cancelled", by: args.actorId },
          dedupeKey: "status:cancelled",
        },
      ],
    });
  });

  try {
    await inngest.send(runCancelRequested.create({ runId, workspaceId }, { id: `cancel-${runId}` }));
  } catch (error) {
    logger.warn({ runId, err: error }, "could not send run.cancel-requested; the run stays cancelled");
  }
  publishRunEvents(events);
  await cancelChildRuns(db, args);
  return { runId, status: "cancelled" };
}

/** Sub-workflow runs of a cancelled run stop too (and theirs, recursively): nothing waits for them. */
async function cancelChildRuns(db: Database, args: { workspaceId: string; runId: string; actorId: string }) {
  const children = await db
    .select({ id: runs.id })
    .from(runs)
    .where(
      and(
        eq(runs.parentRunId, args.runId),
        eq(runs.workspaceId, args.workspaceId),
        notInArray(runs.status, [...TERMINAL_RUN_STATUSES]),
      ),
    );
  for (const child of children) {
    try {
      await cancelRun(db, { ...args, runId: child.id });
    } catch (error) {
      // It finished meanwhile: nothing to stop.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
}
