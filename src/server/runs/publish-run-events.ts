import { logger } from "../../src/lib/logger";
import type { RunEvent } from "../../src/server/db/schema";
import { runChannel } from "../channels";
import { inngest } from "../client";

/**
 * Sends stored run events to the run's realtime channel. The database is the
 * record; a publish that fails is logged, not fatal, because subscribers
 * replay from run_events and dedupe by seq.
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
