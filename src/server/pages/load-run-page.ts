import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { RunIdSchema } from "../runs/contracts";
import { getRunDetail, listRunEvents } from "../runs/queries";
import { toRunEventMessage } from "../runs/run-event-message";

/**
 * A run (with every node's step) and its event log so far, or null when the caller cannot see it: a
 * malformed id, a run that does not exist and another workspace's run all look
 * the same (the page answers 404).
 */
export async function loadRunPage(caller: Caller, runId: string) {
  if (!RunIdSchema.safeParse(runId).success) return null;
  const db = await getDb();
  try {
    const run = await getRunDetail(db, caller.workspaceId, runId);
    const events = (await listRunEvents(db, caller.workspaceId, runId)).map(toRunEventMessage);
    return { run, events };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}
