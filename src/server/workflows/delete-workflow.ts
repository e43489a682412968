import { and, eq, isNull } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { workflows } from "../db/schema";

/**
 * Soft-deletes a workflow: every read answers 404 from now on, while its versions and runs keep their
 * rows (run history, and runs in flight pinned to a version, still resolve).
 */
export async function deleteWorkflow(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; workflowId: string },
) {
  const [deleted] = await db
    .update(workflows)
    .set({ deletedAt: new Date() })
    .where(
      and(
        eq(workflows.id, args.workflowId),
        eq(workflows.workspaceId, args.workspaceId),
        isNull(workflows.deletedAt),
      ),
    )
    .returning({ id: workflows.id });
  if (!deleted) throw notFound("Workflow");
}
