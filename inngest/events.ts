import { eventType } from "inngest";
import { z } from "zod";

/**
 * Events the app sends. Payload changes are additive only: runs in flight replay
 * the payload they started with.
 */

/**
 * Start executing a run row that the API already inserted. The event id is the run id (dedup).
 * `requestId` names the request that started the run (absent from older events and from runs
 * started outside a request), so the run's log lines join that request's.
 */
export const runRequested = eventType("workflow/run.requested", {
  schema: z.object({
    runId: z.string(),
    workspaceId: z.string(),
    requestId: z.string().optional(),
  }),
});

/**
 * A person or program cancelled a run (the run row is already `cancelled`).
 * execute-run's `cancelOn` matches it by run id, so Inngest stops the function
 * before its next step instead of waking it from a sleep to find out.
 */
export const runCancelRequested = eventType("workflow/run.cancel-requested", {
  schema: z.object({
    runId: z.string(),
    workspaceId: z.string(),
  }),
});

/**
 * A person decided an approval (the approvals row is already decided). execute-run
 * waits for it (`approval:<nodeId>`, matched on run and node id); the event id is
 * `approval-<approvalId>`, so a resend never delivers a decision twice.
 */
export const approvalDecided = eventType("workflow/approval.decided", {
  schema: z.object({
    runId: z.string(),
    workspaceId: z.string(),
    nodeId: z.string(),
    approvalId: z.string(),
    decision: z.enum(["approved", "rejected"]),
    by: z.string(),
    comment: z.string().optional(),
    decidedAt: z.string(),
  }),
});
