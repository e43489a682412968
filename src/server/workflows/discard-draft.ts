import { and, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client";
import { workflowDrafts } from "../db/schema";
import { getWorkflowOrThrow } from "./queries";

/** Drops the draft (if any); the workflow stays at its current version. */
export async function discardDraft(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; workflowId: string },
) {
  const workflow = await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  await db
    .delete(workflowDrafts)
    .where(and(eq(workflowDrafts.workflowId, workflow.id), eq(workflowDrafts.workspaceId, args.workspaceId)));
}
