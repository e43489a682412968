import type { Approval } from "../db/schema";
import type { ApprovalDto } from "./contracts";

export function toApprovalDto(row: Approval): ApprovalDto {
  return {
    approvalId: row.id,
    runId: row.runId,
    nodeId: row.nodeId,
    status: row.status,
    message: row.message ?? null,
    approvers: row.approvers ?? null,
    expiresAt: row.expiresAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decidedBy: row.decidedBy ?? null,
    comment: row.comment ?? null,
  };
}
