import { and, desc, eq, lte } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { type WorkflowVersion, workflowVersions } from "../db/schema";
import { getVersionOrThrow, getWorkflowOrThrow } from "../workflows/queries";

/**
 * The version a sub-workflow node runs: the pinned one, or else the one that was current when the
 * parent run was created, so saving the child workflow while a parent runs never changes what that
 * parent executes. A workflow created after the parent started has no such version: its first is used.
 * Throws `not_found` (the caller words it) for another workspace's workflow or a missing version.
 */
export async function resolveChildVersion(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; workflowId: string; pinned: number | undefined; parentCreatedAt: Date },
): Promise<WorkflowVersion> {
  const { workspaceId, workflowId } = args;
  await getWorkflowOrThrow(db, workspaceId, workflowId);
  if (args.pinned !== undefined) return getVersionOrThrow(db, workspaceId, workflowId, args.pinned);
  const [atParentStart] = await db
    .select()
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.workflowId, workflowId),
        eq(workflowVersions.workspaceId, workspaceId),
        lte(workflowVersions.createdAt, args.parentCreatedAt),
      ),
    )
    .orderBy(desc(workflowVersions.version))
    .limit(1);
  if (atParentStart) return atParentStart;
  const [first] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.workspaceId, workspaceId)))
    .orderBy(workflowVersions.version)
    .limit(1);
  if (!first) throw new AppError("not_found", "Workflow version not found");
  return first;
}
