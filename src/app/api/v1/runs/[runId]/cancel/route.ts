// POST /api/v1/runs/:runId/cancel – cancel a run that has not finished (409 when it has)
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { cancelRun } from "@/server/runs/cancel-run";

export const POST = apiKeyRoute(V1.cancelRun, async ({ params, caller, db }) =>
  cancelRun(db, { workspaceId: caller.workspaceId, runId: params.runId, actorId: caller.actorId }),
);

export const OPTIONS = publicApiPreflight;
