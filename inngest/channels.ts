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

/** What travels on the channel: a run event, or (too large to publish) its reference. */
export const RunChannelMessageSchema = RunEventMessageSchema.extend({
  /**
   * Set when the event was too large to publish (Inngest truncates a publish over 512 KB): `data` is
   * then `{}`, and subscribers read the whole event by its seq from the run's stored events.
   */
  omitted: z.object({ sizeBytes: z.number().int() }).optional(),
});
export type RunChannelMessage = z.infer<typeof RunChannelMessageSchema>;

/**
 * One publish: the events one transaction wrote, in seq order (a node's start, logs and result travel
 * together, in one request to Inngest instead of one each).
 */
export const RunChannelBatchSchema = z.object({
  runId: z.string(),
  events: z.array(RunChannelMessageSchema),
});
export type RunChannelBatch = z.infer<typeof RunChannelBatchSchema>;

export const runChannel = realtime.channel({
  name: ({ runId }: { runId: string }) => `run:${runId}`,
  topics: {
    events: { schema: RunChannelBatchSchema },
  },
});
