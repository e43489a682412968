import { and, eq, inArray, sql } from "drizzle-orm";
import type { Transaction } from "../db/client";
import { type RunEvent, type RunEventType, runEvents, runs } from "../db/schema";

export type NewRunEvent = {
  type: RunEventType;
  nodeId?: string | null;
  data: Record<string, unknown>;
  /** Same key, same run: written once, however often a retried step writes it. */
  dedupeKey?: string;
};

/**
 * Appends events with consecutive per-run `seq`s. The run row is locked first,
 * so parallel steps writing at once queue up instead of colliding on a seq, and
 * an event whose dedupe key is already stored is dropped before a seq is spent.
 * Returns the events actually written (to publish them).
 */
export async function appendRunEvents(
  tx: Transaction,
  args: { runId: string; workspaceId: string; events: NewRunEvent[] },
): Promise<RunEvent[]> {
  if (args.events.length === 0) return [];
  await tx.select({ id: runs.id }).from(runs).where(eq(runs.id, args.runId)).for("update");

  const keys = args.events.flatMap((event) => (event.dedupeKey ? [event.dedupeKey] : []));
  const seen = new Set<string>();
  if (keys.length > 0) {
    const existing = await tx
      .select({ key: runEvents.dedupeKey })
      .from(runEvents)
      .where(and(eq(runEvents.runId, args.runId), inArray(runEvents.dedupeKey, keys)));
    for (const row of existing) if (row.key) seen.add(row.key);
  }
  const fresh = args.events.filter((event) => {
    if (!event.dedupeKey) return true;
    if (seen.has(event.dedupeKey)) return false;
    seen.add(event.dedupeKey);
    return true;
  });
  if (fresh.length === 0) return [];

  const [counter] = await tx
    .update(runs)
    .set({ eventSeq: sql`${runs.eventSeq} + ${fresh.length}`, lastProgressAt: new Date() })
    .where(eq(runs.id, args.runId))
    .returning({ eventSeq: runs.eventSeq });
  if (!counter) throw new Error(`run ${args.runId} vanished while appending events`);
  const firstSeq = counter.eventSeq - fresh.length + 1;

  return tx
    .insert(runEvents)
    .values(
      fresh.map((event, index) => ({
        runId: args.runId,
        workspaceId: args.workspaceId,
        seq: firstSeq + index,
        type: event.type,
        nodeId: event.nodeId ?? null,
        data: event.data,
        dedupeKey: event.dedupeKey ?? null,
      })),
    )
    .returning();
}
