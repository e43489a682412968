// GET /api/runs/:runId/stream – the run's events as server-sent events, resumable with Last-Event-ID
import { sessionRoute } from "@/server/http/route";
import { RunParams } from "@/server/runs/contracts";
import { RunStreamQuery, resumeAfter } from "@/server/runs/stream/contracts";
import { openRunStream } from "@/server/runs/stream/open-run-stream";

export const GET = sessionRoute(
  { params: RunParams, query: RunStreamQuery },
  async ({ params, query, caller, db, request }) =>
    openRunStream(db, {
      workspaceId: caller.workspaceId,
      runId: params.runId,
      afterSeq: resumeAfter(request.headers, query),
      signal: request.signal,
    }),
);
