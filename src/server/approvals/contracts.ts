import { z } from "zod";
import type { ApprovalStatus } from "@/contracts/access-kinds";
import { NODE_ID_PATTERN } from "@/engine/catalog";
import { RunIdSchema } from "../runs/contracts";

/* Client-safe: the signed-link page shares these, so no server module behind them (a test checks). */

/**
 * The shape of a signed approval token (payload.signature; verified in approval-token.ts). A token is
 * short; anything much longer is not one of ours and is not worth hashing.
 */
export const APPROVAL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,400}\.[A-Za-z0-9_-]{43}$/;

export const ApprovalParams = z.object({
  runId: RunIdSchema,
  // 160: an agent tool call's approval key is its node id plus the turn and call id.
  nodeId: z.string().max(160).regex(NODE_ID_PATTERN, "not a node id"),
});

/** A malformed token names no approval: 404 like any unknown id. */
export const ApprovalLinkParams = z.object({ token: z.string().regex(APPROVAL_TOKEN_PATTERN) });

export const DecideApprovalBody = z
  .object({
    decision: z.enum(["approve", "reject"]),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();
export type DecideApprovalBody = z.infer<typeof DecideApprovalBody>;

/** An approval as the routes answer it. */
export type ApprovalDto = {
  approvalId: string;
  runId: string;
  nodeId: string;
  status: ApprovalStatus;
  message: string | null;
  approvers: string | null;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  comment: string | null;
};

/** What a signed link shows before deciding: the approval and which workflow asks. */
export type ApprovalLinkDto = ApprovalDto & { workflowId: string; workflowName: string; version: number };

export function verdictOf(body: DecideApprovalBody): "approved" | "rejected" {
  return body.decision === "approve" ? "approved" : "rejected";
}
