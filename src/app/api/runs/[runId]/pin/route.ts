// PUT /api/runs/:runId/pin – keep the run past the workspace's retention; DELETE – let retention apply again
import { sessionRoute } from "@/server/http/route";
import { RunParams } from "@/server/runs/contracts";
import { setRunPinned } from "@/server/runs/pin-run";

export const PUT = sessionRoute({ params: RunParams }, ({ params, caller, db }) =>
  setRunPinned(db, { workspaceId: caller.workspaceId, runId: params.runId, pinned: true }),
);

export const DELETE = sessionRoute({ params: RunParams }, ({ params, caller, db }) =>
  setRunPinned(db, { workspaceId: caller.workspaceId, runId: params.runId, pinned: false }),
);
