// GET /api/runs/:runId/events – the run's stored events after a seq (the run page fills live gaps with it)
import { sessionRoute } from "@/server/http/route";
import { RunParams } from "@/server/runs/contracts";
import { RunEventsQuery, readRunEvents } from "@/server/runs/read-run-events";

export const GET = sessionRoute(
  { params: RunParams, query: RunEventsQuery },
  ({ params, query, caller, db }) =>
    readRunEvents(db, { workspaceId: caller.workspaceId, runId: params.runId, query }),
);
