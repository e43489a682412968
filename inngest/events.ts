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
