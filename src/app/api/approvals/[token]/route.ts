// GET /api/approvals/:token – what a signed approval link asks to approve (no session: the signature authenticates)
// POST /api/approvals/:token – approve or reject through a signed link; a link works once
import { assertApprovalLinkSigned, decideByLink, viewApprovalLink } from "@/server/approvals/approval-link";
import { ApprovalLinkParams, DecideApprovalBody } from "@/server/approvals/contracts";
import { linkRoute } from "@/server/http/link-route";

const verify = ({ token }: { token: string }) => assertApprovalLinkSigned(token);

export const GET = linkRoute({ params: ApprovalLinkParams, verify }, async ({ params, db }) =>
  viewApprovalLink(db, params.token),
);

export const POST = linkRoute(
  { params: ApprovalLinkParams, body: DecideApprovalBody, verify },
  async ({ params, body, db }) => decideByLink(db, params.token, body),
);
