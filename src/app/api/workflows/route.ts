// GET /api/workflows – list the workspace's workflows
// POST /api/workflows – create a workflow (version 1) from a validated graph
import { sessionRoute } from "@/server/http/route";
import { CreateWorkflowBody, ListWorkflowsQuery } from "@/server/workflows/contracts";
import { createWorkflow } from "@/server/workflows/create-workflow";
import { listWorkflowSummaries } from "@/server/workflows/queries";

export const GET = sessionRoute({ query: ListWorkflowsQuery }, async ({ query, caller, db }) =>
  listWorkflowSummaries(db, caller.workspaceId, query.limit),
);

export const POST = sessionRoute({ body: CreateWorkflowBody, status: 201 }, async ({ body, caller, db }) =>
  createWorkflow(db, { workspaceId: caller.workspaceId, body }),
);
