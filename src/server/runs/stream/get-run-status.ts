import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../../db/client";
import { type RunStatus, runs } from "../../db/schema";

/** The run's status if it belongs to the workspace; another workspace's run is not found (404). */
export async function getRunStatusOrThrow(
  db: DatabaseOrTransaction,
  workspaceId: string,
  runId: string,
): Promise<RunStatus> {
  const [run] = await db
    .select({ status: runs.status })
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.workspaceId, workspaceId)));
  if (!run) throw notFound("Run");
  return run.status;
}
