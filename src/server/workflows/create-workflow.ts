import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { workflows, workflowVersions } from "../db/schema";
import type { CreateWorkflowBody } from "./contracts";
import { toWorkflowDto } from "./to-dto";
import { validateDefinition } from "./validate-definition";

/** Creates a workflow and its version 1 together; an invalid graph writes nothing. */
export async function createWorkflow(
  db: Database,
  args: { workspaceId: string; body: CreateWorkflowBody; workflowId?: string },
) {
  const graph = validateDefinition(args.body.graph, args.body.inputSchema);
  const workflowId = args.workflowId ?? newId("workflow");
  return db.transaction(async (tx) => {
    const [workflow] = await tx
      .insert(workflows)
      .values({
        id: workflowId,
        workspaceId: args.workspaceId,
        name: args.body.name,
        description: args.body.description,
        tags: args.body.tags,
        currentVersion: 1,
      })
      .returning();
    const [version] = await tx
      .insert(workflowVersions)
      .values({
        id: newId("workflowVersion"),
        workflowId,
        workspaceId: args.workspaceId,
        version: 1,
        graph,
        inputSchema: args.body.inputSchema,
      })
      .returning();
    if (!workflow || !version) throw new Error("insert returned no row");
    return toWorkflowDto(workflow, version);
  });
}
