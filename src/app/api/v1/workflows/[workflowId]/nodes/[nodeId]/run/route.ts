// POST /api/v1/workflows/:workflowId/nodes/:nodeId/run – block run: one node alone, waiting briefly for its output
import { json } from "@/server/http/error-response";
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { runBlock } from "@/server/runs/run-block";

/** The wait is bounded by `?wait` (at most 25 s); this leaves the platform headroom beyond it. */
export const maxDuration = 60;

export const POST = apiKeyRoute(
  V1.runNode,
  async ({ params, query, body, caller, db, request, requestId }) => {
    const { done, result } = await runBlock(db, {
      workspaceId: caller.workspaceId,
      workflowId: params.workflowId,
      nodeId: params.nodeId,
      body,
      trigger: "api",
      waitMs: query.wait * 1000,
      signal: request.signal,
    });
    return json(result, done ? 200 : 202, requestId, { location: `/api/v1/runs/${result.runId}` });
  },
);

export const OPTIONS = publicApiPreflight;
