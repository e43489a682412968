import { logger } from "@/lib/logger";
import { type RunChannelMessage, runChannel } from "../../../inngest/channels";
import { inngest } from "../../../inngest/client";
import type { RunEvent } from "../db/schema";
import { toRunEventMessage } from "./run-event-message";

/**
 * Sends stored run events to the run's realtime channel. The database is the
 * record; a publish that fails is logged, not fatal, because subscribers
 * replay from run_events and dedupe by seq. Used by execute-run's steps and by
 * use-cases that change a run outside it (cancel).
 *
 * Why not `step.realtime.publish`: publishing happens inside the step that
 * wrote the events (after its transaction commits), so it is already tied to a
 * durable step — a retried step republishes what it newly wrote, a memoized one
 * wrote nothing new. A separate durable publish step per write would double the
 * steps of every node (against Inngest's 1,000-step limit and one checkpoint
 * per step) to make durable what run_events already is. What a lost publish
 * would cost is covered by the readers instead: SSE streams deliver in seq order
 * and fill a gap from run_events (one shared read per run), and every
 * reconnect replays from the table.
 */
export async function publishRunEvents(events: RunEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await inngest.realtime.publish(runChannel({ runId: event.runId }).events, publishable(event));
    } catch (error) {
      logger.warn({ runId: event.runId, seq: event.seq, err: error }, "realtime publish failed");
    }
  }
}

/**
 * Events larger than this are published as a reference: Inngest truncates a realtime publish over
 * 512 KB (and sends what is left as a string), so half of that leaves room for the envelope.
 */
export const REALTIME_INLINE_LIMIT_BYTES = 256 * 1024;

/**
 * The message for an event: the whole event, or, above REALTIME_INLINE_LIMIT_BYTES, its seq and size
 * with `data` left out. Subscribers (the SSE feed, the run page) then read it by seq from run_events,
 * so what they pass on is always the whole event.
 */
export function publishable(event: RunEvent): RunChannelMessage {
  const message = toRunEventMessage(event);
  const sizeBytes = Buffer.byteLength(JSON.stringify(message));
  if (sizeBytes <= REALTIME_INLINE_LIMIT_BYTES) return message;
  return { ...message, data: {}, omitted: { sizeBytes } };
}
