import { and, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { workflows, workflowVersions } from "../db/schema";
import type { UpdateWorkflowBody } from "./contracts";
import { getWorkflowWithCurrentVersion } from "./queries";
import { toWorkflowDto } from "./to-dto";
import { validateDefinition } from "./validate-definition";

/**
 * Saves a new immutable version and points the workflow at it. The version
 * number is taken under the workflow row's lock so two concurrent saves get
 * consecutive numbers instead of colliding. With `ifCurrentVersion`, the save happens only while that
 * is still the current version (409 otherwise), checked under the same lock.
 */
export async function updateWorkflow(
  db: Database,
  args: { workspaceId: string; workflowId: string; body: UpdateWorkflowBody; ifCurrentVersion?: number },
) {
  const { version: previous } = await getWorkflowWithCurrentVersion(db, args.workspaceId, args.workflowId);
  const inputSchema = args.body.inputSchema === undefined ? previous.inputSchema : args.body.inputSchema;
  const graph = validateDefinition(args.body.graph, inputSchema);

  return db.transaction(async (tx) => {
    const [locked] = await tx
      .update(workflows)
      .set({
        currentVersion: sql`${workflows.currentVersion} + 1`,
        updatedAt: new Date(),
        ...(args.body.name !== undefined && { name: args.body.name }),
        ...(args.body.description !== undefined && { description: args.body.description }),
        ...(args.body.tags !== undefined && { tags: args.body.tags }),
      })
      .where(
        and(
          eq(workflows.id, args.workflowId),
          eq(workflows.workspaceId, args.workspaceId),
          args.ifCurrentVersion === undefined
            ? undefined
            : eq(workflows.currentVersion, args.ifCurrentVersion),
        ),
      )
      .returning();
    if (!locked && args.ifCurrentVersion !== undefined) {
      throw new AppError(
        "conflict",
        `Version ${args.ifCurrentVersion} is no longer the current version: another version was saved meanwhile`,
      );
    }
    if (!locked) throw new AppError("not_found", "Workflow not found");
    const [version] = await tx
      .insert(workflowVersions)
      .values({
        id: newId("workflowVersion"),
        workflowId: args.workflowId,
        workspaceId: args.workspaceId,
        version: locked.currentVersion,
        graph,
        inputSchema,
      })
      .returning();
    if (!version) throw new Error("insert returned no row");
    return toWorkflowDto(locked, version);
  });
}
