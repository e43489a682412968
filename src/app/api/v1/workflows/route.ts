// GET /api/v1/workflows – list the workspace's workflows
// POST /api/v1/workflows – create a workflow (version 1) from a validated graph
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { createWorkflow } from "@/server/workflows/create-workflow";
import { listWorkflowSummaries } from "@/server/workflows/queries";

export const GET = apiKeyRoute(V1.listWorkflows, async ({ query, caller, db }) =>
  listWorkflowSummaries(db, caller.workspaceId, query.limit),
);

export const POST = apiKeyRoute(V1.createWorkflow, async ({ body, caller, db }) =>
  createWorkflow(db, { workspaceId: caller.workspaceId, body }),
);

export const OPTIONS = publicApiPreflight;
