// GET /api/workflows – list the workspace's workflows
// POST /api/workflows – create a workflow (version 1) from a validated graph
import { sessionRoute } from "@/server/http/route";
import { CreateWorkflowBody, ListWorkflowsQuery } from "@/server/workflows/contracts";
import { createWorkflow } from "@/server/workflows/create-workflow";
import { listWorkflows } from "@/server/workflows/queries";
import { toWorkflowSummary } from "@/server/workflows/to-dto";

export const GET = sessionRoute({ query: ListWorkflowsQuery }, async ({ query, caller, db }) => {
  const rows = await listWorkflows(db, caller.workspaceId, query.limit);
  return { data: rows.map(toWorkflowSummary) };
});

export const POST = sessionRoute({ body: CreateWorkflowBody, status: 201 }, async ({ body, caller, db }) =>
  createWorkflow(db, { workspaceId: caller.workspaceId, body }),
);
