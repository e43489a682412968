// GET /api/v1/runs/:runId – run status with every node's result
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { getRunDetail } from "@/server/runs/queries";

export const GET = apiKeyRoute(V1.getRun, async ({ params, caller, db }) =>
  getRunDetail(db, caller.workspaceId, params.runId),
);

export const OPTIONS = publicApiPreflight;
