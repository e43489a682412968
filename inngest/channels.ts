import { realtime } from "inngest";
import { z } from "zod";

/**
 * One realtime channel per run. Publisher (the execute-run function) and
 * subscribers (SSE, the run page) import this same definition; whoever hands out
 * a subscription token must first check the run belongs to the caller.
 */
export const RunEventMessageSchema = z.object({
  runId: z.string(),
  seq: z.number().int(),
  type: z.string(),
  nodeId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type RunEventMessage = z.infer<typeof RunEventMessageSchema>;

export const runChannel = realtime.channel({
  name: ({ runId }: { runId: string }) => `run:${runId}`,
  topics: {
    events: { schema: RunEventMessageSchema },
  },
});
