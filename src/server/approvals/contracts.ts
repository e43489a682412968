import { z } from "zod";
import { NODE_ID_PATTERN } from "@/engine";
import type { ApprovalStatus } from "../db/schema";
import { RunIdSchema } from "../runs/contracts";
import { APPROVAL_TOKEN_PATTERN } from "./approval-token";

export const ApprovalParams = z.object({
  runId: RunIdSchema,
  nodeId: z.string().max(64).regex(NODE_ID_PATTERN, "not a node id"),
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
