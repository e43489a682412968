import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { workflowDrafts } from "../db/schema";
import type { DraftWithIssuesDto } from "./contracts";
import { getVersionOrThrow, getWorkflowOrThrow } from "./queries";
import { saveDraft } from "./save-draft";

/**
 * Puts an old version's graph and input schema into the draft, to be reviewed and published as the
 * next version: versions stay immutable and the current one stays current until then. Name,
 * description and tags are not versioned, so the workflow's own are kept. Any draft in progress is
 * replaced, and the new one is based on the current version (it was begun now, knowing it), so
 * publishing it is not taken for a stale draft.
 */
export async function restoreVersion(
  db: Database,
  args: { workspaceId: string; workflowId: string; version: number },
): Promise<DraftWithIssuesDto> {
  const workflow = await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  const old = await getVersionOrThrow(db, args.workspaceId, workflow.id, args.version);
  return db.transaction(async (tx) => {
    await tx
      .delete(workflowDrafts)
      .where(
        and(eq(workflowDrafts.workflowId, workflow.id), eq(workflowDrafts.workspaceId, args.workspaceId)),
      );
    return saveDraft(tx, {
      workspaceId: args.workspaceId,
      workflowId: workflow.id,
      body: {
        name: workflow.name,
        description: workflow.description,
        tags: workflow.tags,
        // Stored versions are validated graphs: `{ nodes, edges }` arrays.
        graph: old.graph as DraftWithIssuesDto["draft"]["graph"],
        inputSchema: old.inputSchema ?? null,
      },
    });
  });
}
