// GET /api/runs/:runId – run status with every node's result
import { sessionRoute } from "@/server/http/route";
import { RunParams } from "@/server/runs/contracts";
import { getRunDetail } from "@/server/runs/queries";

export const GET = sessionRoute({ params: RunParams }, async ({ params, caller, db }) =>
  getRunDetail(db, caller.workspaceId, params.runId),
);
