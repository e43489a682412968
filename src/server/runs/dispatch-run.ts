import { eq, sql } from "drizzle-orm";
import { DeadlineExceededError, withDeadline } from "@/lib/deadline";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { requestContext } from "@/lib/request-context";
import { inngest } from "../../../inngest/client";
import { runRequested } from "../../../inngest/events";
import type { Database } from "../db/client";
import { runs } from "../db/schema";
import { appendRunEvents } from "./append-run-events";

export type DispatchResult =
  | { ok: true }
  /** Inngest refused or could not be reached: the event did not get through. */
  | { ok: false; timedOut: false; error: string }
  /** No answer in time: the event may or may not have got through; the reconciler will find out. */
  | { ok: false; timedOut: true; error: string };

/**
 * Hands a run to Inngest. The event id is the run id by default, so a resend (by a
 * retrying client or the reconciler) never starts a second execution within
 * Inngest's 24-hour dedup window; past it, the run's claim does (see
 * beginRunExecution). The reconciler passes another id when Inngest dropped the
 * first event. The send is bounded by INNGEST_SEND_TIMEOUT_MS; a send that
 * answers after that still records its dispatch.
 */
export async function dispatchRun(
  db: Database,
  run: { id: string; workspaceId: string },
  options: {
    /** Another event id than the run id: the reconciler's re-drive, after Inngest dropped or lost the first. */
    eventId?: string;
  } = {},
): Promise<DispatchResult> {
  const env = getEnv();
  // The request being served (a start, a rerun, the reconciler's cron call), so the run's lines join it.
  const requestId = requestContext()?.requestId;
  const sending = inngest.send(
    runRequested.create(
      { runId: run.id, workspaceId: run.workspaceId, ...(requestId ? { requestId } : {}) },
      { id: options.eventId ?? run.id },
    ),
  );
  try {
    const { ids } = await withDeadline(
      sending,
      env.INNGEST_SEND_TIMEOUT_MS,
      () => new DeadlineExceededError("Inngest's event API", env.INNGEST_SEND_TIMEOUT_MS),
    );
    await recordDispatch(db, run.id, ids[0], options.eventId !== undefined);
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = error instanceof DeadlineExceededError;
    logger.warn({ runId: run.id, err: error, timedOut }, "could not send run.requested");
    if (timedOut) {
      // A late answer is still worth recording: the reconciler then knows the event's id.
      sending.then(
        ({ ids }) => recordDispatch(db, run.id, ids[0], options.eventId !== undefined).catch(() => undefined),
        () => undefined,
      );
    }
    return { ok: false, timedOut, error: message };
  }
}

/**
 * Counts the dispatch and keeps Inngest's internal id of the event that started
 * (or will start) the run. A resend with the same event id is deduplicated, and
 * Inngest still answers it with a new internal id that started nothing, so only
 * the first is kept; an event with a new id (`fresh`) replaces it.
 */
async function recordDispatch(
  db: Database,
  runId: string,
  eventId: string | undefined,
  fresh: boolean,
): Promise<void> {
  const id = eventId ?? null;
  await db
    .update(runs)
    .set({
      dispatchAttempts: sql`${runs.dispatchAttempts} + 1`,
      dispatchedAt: new Date(),
      dispatchEventId: fresh
        ? sql`coalesce(${id}, ${runs.dispatchEventId})`
        : sql`coalesce(${runs.dispatchEventId}, ${id})`,
    })
    .where(eq(runs.id, runId));
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
 * Dispatches a freshly queued run. When Inngest refuses or cannot be reached, the
 * run is failed and the client gets a 503, so it knows nothing will run and may
 * retry. When Inngest does not answer in time, the outcome is unknown: the client
 * gets its 202 and the run stays `queued`; the reconciler sends it again (same
 * event id, so it starts once) — see docs/RUN_LIFECYCLE.md.
 */
export async function dispatchRunOrFail(db: Database, run: { id: string; workspaceId: string }) {
  const dispatched = await dispatchRun(db, run);
  if (dispatched.ok || dispatched.timedOut) return;
  if (!(await failUndispatchedRun(db, run, dispatched.error))) return;
  throw new AppError(
    "unavailable",
    `The run ${run.id} could not be queued for execution and was marked failed; nothing will run. Try again (with the same idempotency key, if you sent one: it starts a new run).`,
  );
}
