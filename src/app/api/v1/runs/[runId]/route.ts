// GET /api/v1/runs/:runId – run status with every node's result
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { getRunDetail } from "@/server/runs/queries";

export const GET = apiKeyRoute(V1.getRun, async ({ params, caller, db }) =>
  getRunDetail(db, caller.workspaceId, params.runId),
);
