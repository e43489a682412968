import type { RunEventMessage } from "../../../inngest/channels";
import type { RunEvent } from "../db/schema";

/** A stored run event as it travels on the run's realtime channel and in SSE `data:` lines. */
export function toRunEventMessage(event: RunEvent): RunEventMessage {
  return {
    runId: event.runId,
    seq: event.seq,
    type: event.type,
    nodeId: event.nodeId,
    data: event.data,
    at: event.createdAt.toISOString(),
  };
}
