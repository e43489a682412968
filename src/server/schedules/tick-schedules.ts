import { and, asc, eq, isNull, lte } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { isDatabaseUnavailable } from "../db/database-unavailable";
import { type Run, type WorkflowSchedule, workflowSchedules, workflows } from "../db/schema";
import { dispatchRun } from "../runs/dispatch-run";
import { queueRun } from "../runs/start-run";
import { ON_TIME_GRACE_MS, planOccurrences } from "./plan-occurrences";
import { cronOf } from "./schedule-cron";

const DEFAULT_BATCH_SIZE = 50;
const DEFAULT_MAX_BATCHES = 20;

export type ScheduleTickReport = {
  now: string;
  /** Schedules that were due. */
  examined: number;
  /** Runs started, one per occurrence (`replayed`: the occurrence already had its run). */
  started: Array<{ scheduleId: string; occurrence: string; runId: string; replayed: boolean }>;
  /** Occurrences that could not start, with the reason also kept as the schedule's `lastError`. */
  failed: Array<{ scheduleId: string; occurrence: string; error: string }>;
  /** Schedules that passed over occurrences missed while nothing ticked. */
  missed: string[];
  /** Runs queued whose start event Inngest did not take: the reconciler sends them. */
  undispatched: string[];
};

/** A run's idempotency key for one occurrence: at most one run per schedule and instant, ever. */
export function occurrenceKey(scheduleId: string, occurrence: Date): string {
  return `schedule:${scheduleId}:${occurrence.toISOString()}`;
}

/**
 * Starts the due occurrences of every enabled schedule whose workflow exists,
 * in bounded batches. Per batch, in one transaction: take due schedules with
 * `FOR UPDATE SKIP LOCKED` (a concurrent tick takes others, or none), plan each
 * one's occurrences (see planOccurrences), queue a run per occurrence to start —
 * its idempotency key is the occurrence — and advance the schedule. The runs
 * and the advance commit together, then the runs are dispatched:
 *
 * - two ticks at once never plan one schedule twice (the row lock), and a tick
 *   that repeats work (after a crash, or a restart) meets the occurrence's
 *   run key and gets the existing run back — one run per occurrence;
 * - a crash after the commit leaves queued runs Inngest never heard of; the
 *   reconciler sends them, so no occurrence is lost either;
 * - an input that no longer fits the workflow, or any other refusal, is kept
 *   as `lastError` and the schedule still advances (no retry on every tick);
 *   a database outage rolls the batch back, for the next tick to do it again.
 *
 * `now` is the tick's clock, explicit for tests and for a caller that is late.
 */
export async function tickSchedules(args: {
  db: Database;
  now?: Date;
  batchSize?: number;
  maxBatches?: number;
  graceMs?: number;
  catchUpWindowMs?: number;
}): Promise<ScheduleTickReport> {
  const { db } = args;
  const now = args.now ?? new Date();
  const limits = {
    batchSize: args.batchSize ?? DEFAULT_BATCH_SIZE,
    graceMs: args.graceMs ?? ON_TIME_GRACE_MS,
    windowMs: args.catchUpWindowMs ?? getEnv().SCHEDULE_CATCH_UP_WINDOW_S * 1000,
  };
  const report: ScheduleTickReport = {
    now: now.toISOString(),
    examined: 0,
    started: [],
    failed: [],
    missed: [],
    undispatched: [],
  };
  for (let batch = 0; batch < (args.maxBatches ?? DEFAULT_MAX_BATCHES); batch++) {
    const queued: Run[] = [];
    const examined = await db.transaction(async (tx) => {
      const due = await takeDueSchedules(tx, now, limits.batchSize);
      for (const schedule of due) queued.push(...(await tickSchedule(tx, schedule, now, limits, report)));
      return due.length;
    });
    report.examined += examined;
    for (const run of queued) {
      const sent = await dispatchRun(db, run);
      if (!sent.ok && !sent.timedOut) report.undispatched.push(run.id);
    }
    if (examined < limits.batchSize) break;
  }
  if (report.started.length + report.failed.length + report.missed.length > 0) {
    logger.info(
      { started: report.started.length, failed: report.failed, missed: report.missed },
      "schedules ticked",
    );
  }
  return report;
}

/** Enabled schedules due by `now` whose workflow is not deleted, oldest due first, locked for this tick. */
async function takeDueSchedules(tx: DatabaseOrTransaction, now: Date, limit: number) {
  const rows = await tx
    .select({ schedule: workflowSchedules })
    .from(workflowSchedules)
    .innerJoin(workflows, eq(workflows.id, workflowSchedules.workflowId))
    .where(
      and(
        eq(workflowSchedules.enabled, true),
        lte(workflowSchedules.nextOccurrenceAt, now),
        isNull(workflows.deletedAt),
      ),
    )
    .orderBy(asc(workflowSchedules.nextOccurrenceAt))
    .limit(limit)
    .for("update", { of: workflowSchedules, skipLocked: true });
  return rows.map((row) => row.schedule);
}

/** Plans one schedule's occurrences, queues their runs and advances it; returns the runs created. */
async function tickSchedule(
  tx: DatabaseOrTransaction,
  schedule: WorkflowSchedule,
  now: Date,
  limits: { graceMs: number; windowMs: number },
  report: ScheduleTickReport,
): Promise<Run[]> {
  const created: Run[] = [];
  let lastRunId = schedule.lastRunId;
  let lastError = schedule.lastError;
  let cron: ReturnType<typeof cronOf>;
  try {
    cron = cronOf(schedule.cron, schedule.timezone);
  } catch (error) {
    // Validated when written; only a parser upgrade could get here. Stop ticking it, say why.
    await advance(tx, schedule, {
      lastOccurrenceAt: schedule.lastOccurrenceAt,
      nextOccurrenceAt: null,
      lastRunId,
      lastError: `the schedule no longer parses: ${(error as Error).message}`,
    });
    return created;
  }
  const plan = planOccurrences({
    cron,
    from: schedule.nextOccurrenceAt ?? now,
    now,
    catchUp: schedule.catchUp,
    graceMs: limits.graceMs,
    windowMs: limits.windowMs,
  });
  if (plan.missed) report.missed.push(schedule.id);

  for (const occurrence of plan.start) {
    try {
      // A savepoint per occurrence: a failed statement must not abort the batch's transaction.
      const queued = await tx.transaction((sp) =>
        queueRun(sp, {
          workspaceId: schedule.workspaceId,
          workflowId: schedule.workflowId,
          input: schedule.input,
          trigger: "schedule",
          idempotencyKey: occurrenceKey(schedule.id, occurrence),
        }),
      );
      if (queued.created) created.push(queued.run);
      lastRunId = queued.run.id;
      lastError = null;
      report.started.push({
        scheduleId: schedule.id,
        occurrence: occurrence.toISOString(),
        runId: queued.run.id,
        replayed: !queued.created,
      });
    } catch (error) {
      if (isOutage(error)) throw error;
      lastError = `${occurrence.toISOString()}: ${reasonOf(error)}`;
      report.failed.push({ scheduleId: schedule.id, occurrence: occurrence.toISOString(), error: lastError });
      if (!(error instanceof AppError)) {
        logger.error({ err: error, scheduleId: schedule.id }, "a scheduled occurrence could not start");
      }
    }
  }
  await advance(tx, schedule, {
    lastOccurrenceAt: plan.last ?? schedule.lastOccurrenceAt,
    nextOccurrenceAt: plan.next,
    lastRunId,
    lastError,
  });
  return created;
}

async function advance(
  tx: DatabaseOrTransaction,
  schedule: WorkflowSchedule,
  values: Pick<WorkflowSchedule, "lastOccurrenceAt" | "nextOccurrenceAt" | "lastRunId" | "lastError">,
) {
  await tx.update(workflowSchedules).set(values).where(eq(workflowSchedules.id, schedule.id));
}

/** The database or a service behind it is down: leave the occurrence for the next tick. */
function isOutage(error: unknown): boolean {
  return (error instanceof AppError && error.status === 503) || isDatabaseUnavailable(error);
}

/** A refusal's own words (they name the field); anything else stays in the server log. */
function reasonOf(error: unknown): string {
  if (error instanceof AppError && error.status < 500) return error.message;
  return "the run could not be queued (internal error; see the server log)";
}
