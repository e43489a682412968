// GET /api/v1/runs/:runId/stream – the run's events as server-sent events, resumable with Last-Event-ID
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { resumeAfter } from "@/server/runs/stream/contracts";
import { openRunStream } from "@/server/runs/stream/open-run-stream";

export const GET = apiKeyRoute(V1.streamRun, async ({ params, query, caller, db, request }) =>
  openRunStream(db, {
    workspaceId: caller.workspaceId,
    runId: params.runId,
    afterSeq: resumeAfter(request.headers, query),
    signal: request.signal,
  }),
);

export const OPTIONS = publicApiPreflight;
