// GET /api/v1/runs – the workspace's runs, newest first, filtered and paged by cursor
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { listRuns } from "@/server/runs/list-runs";

export const GET = apiKeyRoute(V1.listRuns, async ({ query, caller, db }) =>
  listRuns(db, caller.workspaceId, query),
);

export const OPTIONS = publicApiPreflight;
