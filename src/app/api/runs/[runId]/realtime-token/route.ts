// POST /api/runs/:runId/realtime-token – a browser subscription token for this run's realtime channel only
import { sessionRoute } from "@/server/http/route";
import { RunParams } from "@/server/runs/contracts";
import { issueRunRealtimeToken } from "@/server/runs/issue-run-realtime-token";

export const POST = sessionRoute({ params: RunParams }, async ({ params, caller, db }) =>
  issueRunRealtimeToken(db, { workspaceId: caller.workspaceId, runId: params.runId }),
);
