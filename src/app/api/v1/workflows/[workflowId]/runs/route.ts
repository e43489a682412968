// POST /api/v1/workflows/:workflowId/runs – start a run of the current version (202, runs in the background)
import { json } from "@/server/http/error-response";
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { withIdempotencyHeader } from "@/server/runs/idempotency-header";
import { startRun } from "@/server/runs/start-run";

export const POST = apiKeyRoute(V1.startRun, async ({ params, body, caller, db, request, requestId }) => {
  const { run, created } = await startRun(db, {
    workspaceId: caller.workspaceId,
    workflowId: params.workflowId,
    body: withIdempotencyHeader(body, request.headers),
    trigger: "api",
  });
  // A replayed idempotent request answers 200 with the original run.
  return json(run, created ? 202 : 200, requestId, { location: `/api/v1/runs/${run.runId}` });
});

export const OPTIONS = publicApiPreflight;
