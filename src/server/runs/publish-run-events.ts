import { logger } from "@/lib/logger";
import { runChannel } from "../../../inngest/channels";
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
      await inngest.realtime.publish(runChannel({ runId: event.runId }).events, toRunEventMessage(event));
    } catch (error) {
      logger.warn({ runId: event.runId, seq: event.seq, err: error }, "realtime publish failed");
    }
  }
}
