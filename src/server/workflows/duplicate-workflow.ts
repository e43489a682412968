import type { Database } from "../db/client";
import type { WorkflowDto } from "./contracts";
import { createWorkflow } from "./create-workflow";
import { getWorkflowDetail } from "./queries";

const NAME_MAX = 120;
const SUFFIX = " (copy)";

/** A new workflow (version 1) from another's current version, named "<name> (copy)". */
export async function duplicateWorkflow(
  db: Database,
  args: { workspaceId: string; workflowId: string },
): Promise<WorkflowDto> {
  const workflow = await getWorkflowDetail(db, args.workspaceId, args.workflowId);
  // Trimmed so the suffix fits the name limit instead of failing validation on a long name.
  const name = `${workflow.name.slice(0, NAME_MAX - SUFFIX.length)}${SUFFIX}`;
  return createWorkflow(db, {
    workspaceId: args.workspaceId,
    body: {
      name,
      description: workflow.description,
      tags: workflow.tags,
      graph: workflow.graph,
      inputSchema: workflow.inputSchema,
    },
  });
}
