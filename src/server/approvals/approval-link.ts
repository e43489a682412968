import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import { type Approval, approvals, runs, workflows } from "../db/schema";
import { isTerminalRunStatus } from "../runs/statuses";
import { nonceMatches, verifyApprovalToken } from "./approval-token";
import { type ApprovalLinkDto, type DecideApprovalBody, verdictOf } from "./contracts";
import { alreadyOver, decideApproval } from "./decide-approval";
import { toApprovalDto } from "./to-dto";

/**
 * Signed approval links: no session, the signature is the authority. Every way a link can be wrong
 * answers 4xx JSON: not ours, tampered or made for another approval → 404 (indistinguishable on
 * purpose), expired → 410, used or otherwise decided, or its run over → 409.
 */

const invalidLink = () => new AppError("not_found", "This approval link is not valid");

/** The signature check alone (no database): lets the route refuse a forged link before reading a body. */
export function assertApprovalLinkSigned(token: string): void {
  if (!verifyApprovalToken(token)) throw invalidLink();
}

async function approvalForLink(db: Database, token: string): Promise<Approval> {
  const claims = verifyApprovalToken(token);
  if (!claims) throw invalidLink();
  const [row] = await db
    .select()
    .from(approvals)
    .where(and(eq(approvals.runId, claims.runId), eq(approvals.nodeId, claims.nodeId)));
  // A newer link (a retried request) replaced this one's nonce: it no longer names this approval.
  if (!row || !nonceMatches(claims.nonce, row.linkNonceHash)) throw invalidLink();
  if (row.status !== "pending") throw alreadyOver(row.status);
  if (claims.expiresAt <= Date.now()) throw new AppError("gone", "This approval link has expired");
  return row;
}

/** GET: what is being approved, while it can still be decided. */
export async function viewApprovalLink(db: Database, token: string): Promise<ApprovalLinkDto> {
  const row = await approvalForLink(db, token);
  const [run] = await db
    .select({
      status: runs.status,
      workflowId: runs.workflowId,
      version: runs.version,
      workflowName: workflows.name,
    })
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .where(eq(runs.id, row.runId));
  if (!run) throw invalidLink();
  if (isTerminalRunStatus(run.status)) throw new AppError("conflict", `run already ${run.status}`);
  const { status: _runStatus, ...workflow } = run;
  return { ...toApprovalDto(row), ...workflow };
}

/** POST: decide; the row's `pending` guard makes the link work once. */
export async function decideByLink(db: Database, token: string, body: DecideApprovalBody) {
  const row = await approvalForLink(db, token);
  return decideApproval(db, {
    runId: row.runId,
    nodeId: row.nodeId,
    workspaceId: row.workspaceId,
    verdict: verdictOf(body),
    by: "link",
    ...(body.comment ? { comment: body.comment } : {}),
  });
}
