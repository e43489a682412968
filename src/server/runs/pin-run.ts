import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { runs } from "../db/schema";

export type RunPinDto = { runId: string; pinned: boolean };

/**
 * Pins a run (retention never deletes it) or unpins it. Any run of the caller's
 * workspace, live or finished; another workspace's run is not found.
 */
export async function setRunPinned(
  db: Database,
  args: { workspaceId: string; runId: string; pinned: boolean },
): Promise<RunPinDto> {
  const [updated] = await db
    .update(runs)
    .set({ pinned: args.pinned })
    .where(and(eq(runs.id, args.runId), eq(runs.workspaceId, args.workspaceId)))
    .returning({ runId: runs.id, pinned: runs.pinned });
  if (!updated) throw notFound("Run");
  return updated;
}
