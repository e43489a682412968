import type { Database } from "../db/client";
import type { WorkflowDto, WorkflowExportDto } from "./contracts";
import { createWorkflow } from "./create-workflow";

/** Creates a workflow (version 1) from an exported document; the route has checked its format. */
export async function importWorkflow(
  db: Database,
  args: { workspaceId: string; document: WorkflowExportDto },
): Promise<WorkflowDto> {
  const { format: _format, formatVersion: _formatVersion, ...body } = args.document;
  return createWorkflow(db, { workspaceId: args.workspaceId, body });
}
