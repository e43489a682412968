import { is } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { newId } from "@/lib/ids";
import type { DatabaseOrTransaction, Transaction } from "../db/client";
import { type Run, runEvents, runs, type WorkflowVersion } from "../db/schema";

/** Everything but what the pinned version already says (tenant, workflow, version). */
export type QueuedRunValues = Omit<
  typeof runs.$inferInsert,
  "id" | "status" | "workspaceId" | "workflowId" | "workflowVersionId" | "version" | "eventSeq"
>;

/**
 * Inserts a run as `queued`, pinned to a workflow version (its workspace and
 * workflow come from the version row), with its first event, so a run row never
 * exists without the start of its log. Every way of starting a run (full or
 * partial) goes through here, then through `dispatchRunOrFail`.
 *
 * One statement, so one round trip and atomic without a transaction of its own:
 * the run and its event are two data-modifying CTEs. The event takes seq 1 and the
 * run's counter starts at 1 without appendRunEvents' lock and dedupe check: no one
 * else can write to a run before the statement that creates it has committed.
 * Inside a caller's transaction it runs under a savepoint, as before: a refused
 * insert (an idempotency key already used) must not abort the caller's
 * transaction, which goes on to read the run that holds the key.
 */
export async function insertQueuedRun(
  db: DatabaseOrTransaction,
  version: WorkflowVersion,
  values: QueuedRunValues,
): Promise<Run> {
  if (inTransaction(db))
    return db.transaction((savepoint) => insertRunWithFirstEvent(savepoint, version, values));
  return insertRunWithFirstEvent(db, version, values);
}

async function insertRunWithFirstEvent(
  db: DatabaseOrTransaction,
  version: WorkflowVersion,
  values: QueuedRunValues,
): Promise<Run> {
  const id = newId("run");
  const inserted = db.$with("inserted_run").as(
    db
      .insert(runs)
      .values({
        ...values,
        id,
        workspaceId: version.workspaceId,
        workflowId: version.workflowId,
        workflowVersionId: version.id,
        version: version.version,
        eventSeq: 1,
      })
      .returning(),
  );
  const firstEvent = db.$with("first_run_event").as(
    db
      .insert(runEvents)
      .values({
        runId: id,
        workspaceId: version.workspaceId,
        seq: 1,
        type: "run.status",
        data: { status: "queued", version: version.version },
        dedupeKey: "status:queued",
      })
      .returning({ seq: runEvents.seq }),
  );
  const [run] = await db.with(inserted, firstEvent).select().from(inserted);
  if (!run) throw new Error("insert returned no row");
  return run;
}

function inTransaction(db: DatabaseOrTransaction): db is Transaction {
  return is(db, PgTransaction);
}
