import { eq, type SQL, sql } from "drizzle-orm";
import type { Transaction } from "../db/client";
import { rowsOf } from "../db/rows-of";
import { type RunEvent, type RunEventType, type RunStatus, runs } from "../db/schema";

export type NewRunEvent = {
  type: RunEventType;
  nodeId?: string | null;
  data: Record<string, unknown>;
  /** Same key, same run: written once, however often a retried step writes it. */
  dedupeKey?: string;
};

/** The run row as its lock returns it: whoever holds it hands out the next event seqs. */
export type LockedRun = { status: RunStatus; eventSeq: number };

/**
 * Locks the run row for the rest of the transaction (parallel steps writing at once queue here
 * instead of colliding on a seq, and a cancel cannot slip in between) and reads what the writes
 * under it need. Undefined when the run does not exist.
 */
export async function lockRun(tx: Transaction, runId: string): Promise<LockedRun | undefined> {
  const [run] = await tx
    .select({ status: runs.status, eventSeq: runs.eventSeq })
    .from(runs)
    .where(eq(runs.id, runId))
    .for("update");
  return run;
}

/**
 * Appends events with consecutive per-run `seq`s: under the run's lock (taken here unless the caller
 * holds it and passes it), one statement drops events whose dedupe key is already stored, hands out
 * the seqs, inserts the rest and moves the run's counter. Returns the events actually written (to
 * publish them).
 */
export async function appendRunEvents(
  tx: Transaction,
  args: { runId: string; workspaceId: string; events: NewRunEvent[]; locked?: LockedRun },
): Promise<RunEvent[]> {
  if (args.events.length === 0) return [];
  const locked = args.locked ?? (await lockRun(tx, args.runId));
  if (!locked) throw new Error(`run ${args.runId} vanished while appending events`);
  const result = await tx.execute(
    sql`with ${eventWritesSql({ ...args, baseSeq: sql`${locked.eventSeq}::int` })} select * from inserted order by seq`,
  );
  return rowsOf(result).map(toRunEvent);
}

/**
 * The common table expressions that write events under the run's lock: `inserted` (the written
 * rows) and the run's counter update. `baseSeq` is the run's last seq as read under the lock;
 * `onlyIf` is a condition on earlier expressions of the same statement (a step row was updated, say)
 * without which nothing is written; `runSet` adds assignments to the run's update. Dedupe runs inside
 * the statement: under the run's lock nothing else appends to this run meanwhile, so seqs never have
 * gaps (a write racing a duplicate of itself would fail on the unique key and be retried, never
 * leave a hole).
 */
export function eventWritesSql(args: {
  runId: string;
  /** The workspace, or an expression over earlier parts of the statement that reads it. */
  workspaceId: string | SQL;
  events: NewRunEvent[];
  baseSeq: SQL;
  onlyIf?: SQL;
  /** A further condition on each event (`e`, its row), e.g. that its node's step row was updated. */
  keepEvent?: SQL;
  runSet?: SQL;
}): SQL {
  const { runId, workspaceId, baseSeq } = args;
  const rows = uniqueByDedupeKey(args.events).map((event, ord) => ({
    ord,
    type: event.type,
    node_id: event.nodeId ?? null,
    data: event.data,
    dedupe_key: event.dedupeKey ?? null,
  }));
  return sql`fresh as (
      select e.*, row_number() over (order by e.ord) as n
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as e(ord int, type text, node_id text, data jsonb, dedupe_key text)
      where ${args.onlyIf ?? sql`true`} and ${args.keepEvent ?? sql`true`}
        and (e.dedupe_key is null or not exists (
          select 1 from run_events stored where stored.run_id = ${runId} and stored.dedupe_key = e.dedupe_key))
    ),
    inserted as (
      insert into run_events (run_id, workspace_id, seq, type, node_id, data, dedupe_key)
      select ${runId}, ${workspaceId}, ${baseSeq} + n::int, type, node_id, data, dedupe_key from fresh
      returning *
    ),
    counted as (
      update runs set event_seq = ${baseSeq} + (select count(*)::int from fresh),
        last_progress_at = case when exists (select 1 from fresh) then ${new Date()} else last_progress_at end
        ${args.runSet ?? sql``}
      where id = ${runId} and ${args.onlyIf ?? sql`true`}
    )`;
}

/** A later event with a key already in the batch is the same write: the first one stands. */
function uniqueByDedupeKey(events: NewRunEvent[]): NewRunEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (!event.dedupeKey) return true;
    if (seen.has(event.dedupeKey)) return false;
    seen.add(event.dedupeKey);
    return true;
  });
}

/** A `run_events` row as raw SQL returns it (column names, drivers' own types) → the drizzle row shape. */
export function toRunEvent(row: Record<string, unknown>): RunEvent {
  const createdAt = row.created_at;
  return {
    id: Number(row.id),
    runId: String(row.run_id),
    workspaceId: String(row.workspace_id),
    seq: Number(row.seq),
    type: row.type as RunEventType,
    nodeId: (row.node_id as string | null) ?? null,
    data: (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
    dedupeKey: (row.dedupe_key as string | null) ?? null,
    createdAt: createdAt instanceof Date ? createdAt : new Date(String(createdAt)),
  };
}
