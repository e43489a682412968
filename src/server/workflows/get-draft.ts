import { and, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client";
import { workflowDrafts } from "../db/schema";
import type { DraftWithIssuesDto } from "./contracts";
import { draftIssues } from "./draft-issues";
import { getVersionOrThrow, getWorkflowOrThrow } from "./queries";
import { toDraftDto } from "./to-dto";

/** The stored draft or, when there is none, the current version as a fresh one (`updatedAt` null). */
export async function getDraft(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; workflowId: string },
): Promise<DraftWithIssuesDto> {
  const workflow = await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  const [stored] = await db
    .select()
    .from(workflowDrafts)
    .where(and(eq(workflowDrafts.workflowId, workflow.id), eq(workflowDrafts.workspaceId, args.workspaceId)));
  if (stored) return { draft: toDraftDto(stored), issues: draftIssues(stored) };

  const version = await getVersionOrThrow(db, args.workspaceId, workflow.id, workflow.currentVersion);
  const draft = toDraftDto({
    workflowId: workflow.id,
    baseVersion: version.version,
    name: workflow.name,
    description: workflow.description,
    tags: workflow.tags,
    graph: version.graph,
    inputSchema: version.inputSchema,
    updatedAt: null,
  });
  // A version saved under older rules can fail today's: the editor shows that before a publish does.
  return { draft, issues: draftIssues(draft) };
}
