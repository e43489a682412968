import { eventType } from "inngest";
import { z } from "zod";

/**
 * Events the app sends. Payload changes are additive only: runs in flight replay
 * the payload they started with.
 */

/** Start executing a run row that the API already inserted. The event id is the run id (dedup). */
export const runRequested = eventType("workflow/run.requested", {
  schema: z.object({
    runId: z.string(),
    workspaceId: z.string(),
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
