import { logger } from "@/lib/logger";
import { runChannel } from "../../../inngest/channels";
import { inngest } from "../../../inngest/client";
import type { RunEvent } from "../db/schema";

/**
 * Sends stored run events to the run's realtime channel. The database is the
 * record; a publish that fails is logged, not fatal, because subscribers
 * replay from run_events and dedupe by seq. Used by execute-run's steps and by
 * use-cases that change a run outside it (cancel).
 */
export async function publishRunEvents(events: RunEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await inngest.realtime.publish(runChannel({ runId: event.runId }).events, {
        runId: event.runId,
        seq: event.seq,
        type: event.type,
        nodeId: event.nodeId,
        data: event.data,
        at: event.createdAt.toISOString(),
      });
    } catch (error) {
      logger.warn({ runId: event.runId, seq: event.seq, err: error }, "realtime publish failed");
    }
  }
}
