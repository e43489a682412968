// POST /api/workflows/import – create a workflow (version 1) from an exported `stepwise.workflow` document
import { sessionRoute } from "@/server/http/route";
import { WorkflowExportSchema } from "@/server/workflows/contracts";
import { importWorkflow } from "@/server/workflows/import-workflow";

export const POST = sessionRoute({ body: WorkflowExportSchema, status: 201 }, async ({ body, caller, db }) =>
  importWorkflow(db, { workspaceId: caller.workspaceId, document: body }),
);
