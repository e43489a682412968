import { eq } from "drizzle-orm";
import type { Transaction } from "../db/client";
import { runs } from "../db/schema";
import type { NewRunEvent } from "../runs/append-run-events";

/**
 * Moves a run between `running` and `waiting` (an approval opened or the last
 * one closed) and returns the status event to append with the change. The
 * dedupe key names the node, so a retried step does not log the move twice.
 */
export async function switchRunWaiting(
  tx: Transaction,
  runId: string,
  to: "waiting" | "running",
  nodeId: string,
): Promise<NewRunEvent> {
  await tx.update(runs).set({ status: to }).where(eq(runs.id, runId));
  return { type: "run.status", data: { status: to, nodeId }, dedupeKey: `status:${to}:${nodeId}` };
}
