import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";
import type { Database } from "../db/client";
import { workflowDrafts } from "../db/schema";
import type { PublishBody, WorkflowDto } from "./contracts";
import { draftAsSave } from "./draft-issues";
import { getWorkflowOrThrow } from "./queries";
import { updateWorkflow } from "./update-workflow";

/**
 * Publishes the draft as the next immutable version through the same path as a save (PUT), so the
 * rules cannot drift apart; 422 with the issues leaves the draft as it is. The draft is then deleted
 * only if no autosave replaced it meanwhile: newer edits are never lost, they stay a draft (now
 * based on the version just published, which already holds everything they started from).
 *
 * A draft begun from an older version than the current one is stale: publishing it would silently
 * drop what was saved since, so it is refused with 409 naming both versions, unless the caller has
 * seen the current version (`baseVersion` equal to it) or means to replace it (`force`). The check
 * is repeated under the workflow row's lock, so a save racing this publish cannot slip in between.
 */
export async function publishDraft(
  db: Database,
  args: { workspaceId: string; workflowId: string; body?: PublishBody },
): Promise<WorkflowDto> {
  const workflow = await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  const scoped = and(
    eq(workflowDrafts.workflowId, workflow.id),
    eq(workflowDrafts.workspaceId, args.workspaceId),
  );
  const [draft] = await db.select().from(workflowDrafts).where(scoped);
  if (!draft) throw new AppError("conflict", "This workflow has no draft to publish");

  const force = args.body?.force ?? false;
  const seen = args.body?.baseVersion ?? draft.baseVersion;
  if (!force && seen !== workflow.currentVersion) {
    throw new AppError(
      "conflict",
      `The draft is based on version ${seen}, but the current version is ${workflow.currentVersion}: ` +
        `review what changed, then publish with "force": true (or "baseVersion": ${workflow.currentVersion}) to replace it`,
      [
        {
          path: ["body", "baseVersion"],
          message: `current version is ${workflow.currentVersion}`,
          code: "stale_draft",
        },
      ],
    );
  }

  const asSave = draftAsSave(draft);
  if (!asSave.success) {
    const issues = zodIssues(asSave.error, ["body"]);
    const summary = issues[0] ? `${issues[0].path.slice(1).join(".")}: ${issues[0].message}` : "invalid";
    throw new AppError("validation_failed", `Invalid draft: ${summary}`, issues);
  }
  const published = await updateWorkflow(db, {
    workspaceId: args.workspaceId,
    workflowId: workflow.id,
    body: asSave.data,
    ifCurrentVersion: force ? undefined : workflow.currentVersion,
  });
  const deleted = await db
    .delete(workflowDrafts)
    .where(and(scoped, eq(workflowDrafts.updatedAt, draft.updatedAt)))
    .returning({ workflowId: workflowDrafts.workflowId });
  if (deleted.length === 0) {
    await db.update(workflowDrafts).set({ baseVersion: published.version }).where(scoped);
  }
  return published;
}
