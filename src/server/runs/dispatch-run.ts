import { eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { inngest } from "../../../inngest/client";
import { runRequested } from "../../../inngest/events";
import type { Database } from "../db/client";
import { runs } from "../db/schema";
import { appendRunEvents } from "./append-run-events";

export type DispatchResult = { ok: true } | { ok: false; error: string };

/**
 * Hands a queued run to Inngest. The event id is the run id, so a resend (by a
 * retrying client or the reconciler) never starts a second execution.
 */
export async function dispatchRun(
  db: Database,
  run: { id: string; workspaceId: string },
): Promise<DispatchResult> {
  try {
    await inngest.send(runRequested.create({ runId: run.id, workspaceId: run.workspaceId }, { id: run.id }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn({ runId: run.id, err: error }, "could not send run.requested");
    return { ok: false, error: message };
  }
  await db
    .update(runs)
    .set({ dispatchAttempts: sql`${runs.dispatchAttempts} + 1`, dispatchedAt: new Date() })
    .where(eq(runs.id, run.id));
  return { ok: true };
}

/**
 * A run whose start event could not be sent is failed at once, with a reason,
 * instead of sitting in `queued` where nothing would ever pick it up. Its
 * idempotency key is released, so the client's retry with the same key starts
 * a new run rather than getting this failed one back. Returns false when the
 * run had already started (the event got through after all): nothing changes.
 */
export async function failUndispatchedRun(
  db: Database,
  run: { id: string; workspaceId: string },
  reason: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const [updated] = await tx
      .update(runs)
      .set({
        status: "failed",
        error: { code: "dispatch_failed", message: `Could not queue the run for execution: ${reason}` },
        finishedAt: now,
        idempotencyKey: null,
      })
      .where(sql`${runs.id} = ${run.id} and ${runs.status} = 'queued'`)
      .returning({ id: runs.id });
    if (!updated) return false;
    await appendRunEvents(tx, {
      runId: run.id,
      workspaceId: run.workspaceId,
      events: [
        {
          type: "run.status",
          data: { status: "failed", reason: "dispatch_failed" },
          dedupeKey: "status:failed",
        },
      ],
    });
    return true;
  });
}

/**
 * Dispatches a freshly queued run; when that fails, fails the run and answers
 * 503 so the client knows nothing will run and it may retry.
 */
export async function dispatchRunOrFail(db: Database, run: { id: string; workspaceId: string }) {
  const dispatched = await dispatchRun(db, run);
  if (dispatched.ok) return;
  if (!(await failUndispatchedRun(db, run, dispatched.error))) return;
  throw new AppError(
    "unavailable",
    `The run ${run.id} could not be queued for execution and was marked failed; nothing will run. Try again (the same idempotency key is fine).`,
  );
}
