import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { type RunEvent, runEvents } from "../db/schema";
import { appendRunEvents, type NewRunEvent } from "../runs/append-run-events";
import { lockLiveRunOrStop, type WaitStepRef } from "../runs/wait-node-steps";

/**
 * Appends an agent's events (each with a dedupe key, so a retried step writes them once), publishes
 * and returns those actually written. A run that is over stops the step: nothing more of it may happen.
 */
export async function appendAgentEvents(
  db: Database,
  ref: WaitStepRef,
  events: NewRunEvent[],
  publish: (events: RunEvent[]) => void,
): Promise<RunEvent[]> {
  const written = await db.transaction(async (tx) => {
    await lockLiveRunOrStop(tx, ref);
    return appendRunEvents(tx, { runId: ref.runId, workspaceId: ref.workspaceId, events });
  });
  publish(written);
  return written;
}

/** Tool results and arguments in events are previews: the step output keeps them whole. */
export function preview(value: unknown, maxChars = 4_000): unknown {
  const json = JSON.stringify(value ?? null);
  return json.length <= maxChars ? value : { preview: `${json.slice(0, maxChars)}…`, chars: json.length };
}

/**
 * The data of an agent event already written under `dedupeKey`, if any. A turn or tool call whose
 * step finished but whose result the engine never stored (a crash before its checkpoint) finds its
 * own record here and returns it instead of asking the model or calling the tool again, as node
 * steps do with their step rows.
 */
export async function findAgentEvent(
  db: Database,
  runId: string,
  dedupeKey: string,
): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ data: runEvents.data })
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), eq(runEvents.dedupeKey, dedupeKey)));
  return row?.data;
}
