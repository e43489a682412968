// GET /api/runs/:runId/diff – per-node output differences between a re-run and its source run
import { sessionRoute } from "@/server/http/route";
import { RunParams } from "@/server/runs/contracts";
import { diffRuns } from "@/server/runs/diff-runs";

export const GET = sessionRoute({ params: RunParams }, async ({ params, caller, db }) =>
  diffRuns(db, { workspaceId: caller.workspaceId, runId: params.runId }),
);
