import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";
import type { Database } from "../db/client";
import { workflowDrafts } from "../db/schema";
import type { WorkflowDto } from "./contracts";
import { draftAsSave } from "./draft-issues";
import { getWorkflowOrThrow } from "./queries";
import { updateWorkflow } from "./update-workflow";

/**
 * Publishes the draft as the next immutable version through the same path as a save (PUT), so the
 * rules cannot drift apart; 422 with the issues leaves the draft as it is. The draft is then deleted
 * only if no autosave replaced it meanwhile: newer edits are never lost, they stay a draft.
 */
export async function publishDraft(
  db: Database,
  args: { workspaceId: string; workflowId: string },
): Promise<WorkflowDto> {
  const workflow = await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  const scoped = and(
    eq(workflowDrafts.workflowId, workflow.id),
    eq(workflowDrafts.workspaceId, args.workspaceId),
  );
  const [draft] = await db.select().from(workflowDrafts).where(scoped);
  if (!draft) throw new AppError("conflict", "This workflow has no draft to publish");

  const asSave = draftAsSave(draft);
  if (!asSave.success) {
    const issues = zodIssues(asSave.error, ["body"]);
    const summary = issues[0] ? `${issues[0].path.slice(1).join(".")}: ${issues[0].message}` : "invalid";
    throw new AppError("validation_failed", `Invalid draft: ${summary}`, issues);
  }
  const published = await updateWorkflow(db, { ...args, body: asSave.data });
  await db.delete(workflowDrafts).where(and(scoped, eq(workflowDrafts.updatedAt, draft.updatedAt)));
  return published;
}
