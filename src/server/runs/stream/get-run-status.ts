import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../../db/client";
import { type RunStatus, runs } from "../../db/schema";

/**
 * The run's status and the seq of its last event if it belongs to the workspace; another workspace's
 * run is not found (404).
 */
export async function getRunStatusOrThrow(
  db: DatabaseOrTransaction,
  workspaceId: string,
  runId: string,
): Promise<{ status: RunStatus; lastSeq: number }> {
  const [run] = await db
    .select({ status: runs.status, lastSeq: runs.eventSeq })
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.workspaceId, workspaceId)));
  if (!run) throw notFound("Run");
  return run;
}
