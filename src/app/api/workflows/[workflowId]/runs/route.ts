// POST /api/workflows/:workflowId/runs – start a run of the current version (202, runs in the background)
import { json } from "@/server/http/error-response";
import { sessionRoute } from "@/server/http/route";
import { StartRunBody } from "@/server/runs/contracts";
import { sessionRunTrigger } from "@/server/runs/session-run-trigger";
import { startRun } from "@/server/runs/start-run";
import { WorkflowParams } from "@/server/workflows/contracts";

export const POST = sessionRoute(
  { params: WorkflowParams, body: StartRunBody },
  async ({ params, body, caller, db, requestId, request }) => {
    const { run, created } = await startRun(db, {
      workspaceId: caller.workspaceId,
      workflowId: params.workflowId,
      body,
      trigger: sessionRunTrigger(request.headers),
    });
    // A replayed idempotent request answers 200 with the original run.
    return json(run, created ? 202 : 200, requestId, { location: `/api/runs/${run.runId}` });
  },
);
