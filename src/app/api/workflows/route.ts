// GET /api/workflows – list the workspace's workflows with run count and last run
// POST /api/workflows – create a workflow (version 1) from a validated graph
import { sessionRoute } from "@/server/http/route";
import { CreateWorkflowBody, ListWorkflowsQuery } from "@/server/workflows/contracts";
import { createWorkflow } from "@/server/workflows/create-workflow";
import { listWorkflowItems } from "@/server/workflows/queries";

export const GET = sessionRoute({ query: ListWorkflowsQuery }, async ({ query, caller, db }) =>
  listWorkflowItems(db, caller.workspaceId, query.limit),
);

export const POST = sessionRoute({ body: CreateWorkflowBody, status: 201 }, async ({ body, caller, db }) =>
  createWorkflow(db, { workspaceId: caller.workspaceId, body }),
);
