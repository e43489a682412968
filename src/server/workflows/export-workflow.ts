import type { DatabaseOrTransaction } from "../db/client";
import type { WorkflowExportDto } from "./contracts";
import { getWorkflowDetail } from "./queries";

/** The current version as a self-contained document that import (here or in another workspace) accepts. */
export async function exportWorkflow(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; workflowId: string },
): Promise<WorkflowExportDto> {
  const workflow = await getWorkflowDetail(db, args.workspaceId, args.workflowId);
  return {
    format: "stepwise.workflow",
    formatVersion: 1,
    name: workflow.name,
    description: workflow.description,
    tags: workflow.tags,
    inputSchema: workflow.inputSchema,
    graph: workflow.graph,
  };
}
