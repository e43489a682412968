// POST /api/runs/:runId/approvals/:nodeId – approve or reject the run's pending approval (409 once decided or timed out)
import { ApprovalParams, DecideApprovalBody, verdictOf } from "@/server/approvals/contracts";
import { decideApproval } from "@/server/approvals/decide-approval";
import { sessionRoute } from "@/server/http/route";

export const POST = sessionRoute(
  { params: ApprovalParams, body: DecideApprovalBody },
  async ({ params, body, caller, db }) =>
    decideApproval(db, {
      runId: params.runId,
      nodeId: params.nodeId,
      workspaceId: caller.workspaceId,
      verdict: verdictOf(body),
      by: caller.actorId,
      ...(body.comment ? { comment: body.comment } : {}),
    }),
);
