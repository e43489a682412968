// POST /api/runs/:runId/cancel – cancel a run that has not finished (409 when it has)
import { sessionRoute } from "@/server/http/route";
import { cancelRun } from "@/server/runs/cancel-run";
import { RunParams } from "@/server/runs/contracts";

export const POST = sessionRoute({ params: RunParams }, async ({ params, caller, db }) =>
  cancelRun(db, { workspaceId: caller.workspaceId, runId: params.runId, actorId: caller.actorId }),
);
