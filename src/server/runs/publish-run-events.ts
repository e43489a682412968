import { logger } from "@/lib/logger";
import { type RunChannelMessage, runChannel } from "../../../inngest/channels";
import { inngest } from "../../../inngest/client";
import type { RunEvent } from "../db/schema";
import { keepServing } from "./keep-serving";
import { toRunEventMessage } from "./run-event-message";

/**
 * Sends stored run events to the run's realtime channel, off the caller's critical path: it returns
 * at once. A run's events are gathered for PUBLISH_GATHER_MS and go out together (split only to stay
 * under Inngest's publish size), and while a publish is on its way the events that follow gather for
 * the next one, so a run's events arrive in order and a fast run sends far fewer requests than it
 * writes events. The database is the record; a publish that fails is logged, not fatal, because
 * subscribers replay from run_events and dedupe by seq. Used by execute-run's steps and by
 * use-cases that change a run outside it (cancel).
 *
 * Why not `step.realtime.publish`: publishing follows the write of the step that made the events,
 * so it is already tied to a durable step — a retried step republishes what it newly wrote, a
 * memoized one wrote nothing new. A separate durable publish step per write would double the steps
 * of every node (against Inngest's 1,000-step limit and one checkpoint per step) to make durable
 * what run_events already is. What a lost or late publish would cost is covered by the readers: SSE
 * streams deliver in seq order and fill a gap from run_events (one shared read per run), and every
 * reconnect replays from the table.
 */
export function publishRunEvents(events: RunEvent[]): void {
  const runId = events[0]?.runId;
  if (runId === undefined) return;
  const queued = outgoing.get(runId);
  // A publish for this run is on its way: these go with the next one, after it.
  if (queued) {
    queued.events.push(...events);
    return;
  }
  const queue: RunQueue = { events: [...events] };
  outgoing.set(runId, queue);
  keepServing(sendAll(runId, queue));
}

/** Per run with a publish under way: the events handed over meanwhile. */
type RunQueue = { events: RunEvent[] };
const outgoing = new Map<string, RunQueue>();

/**
 * How long a run's events gather before they are published: a run whose nodes finish every few
 * milliseconds sends one request per window instead of one per node, and a person watching sees
 * no difference.
 */
export const PUBLISH_GATHER_MS = 15;

/** Gathers, sends, and repeats while events keep coming in, until nothing is left. */
async function sendAll(runId: string, queue: RunQueue): Promise<void> {
  try {
    while (queue.events.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, PUBLISH_GATHER_MS));
      await sendBatches(runId, queue.events.splice(0));
    }
  } finally {
    outgoing.delete(runId);
  }
}

async function sendBatches(runId: string, events: RunEvent[]): Promise<void> {
  for (const batch of batchesOf(events.map(publishable))) {
    try {
      await inngest.realtime.publish(runChannel({ runId }).events, { runId, events: batch });
    } catch (error) {
      logger.warn({ runId, seq: batch[0]?.seq, err: error }, "realtime publish failed");
    }
  }
}

/**
 * Events larger than this are published as a reference, and a batch holds at most this much: Inngest
 * truncates a realtime publish over 512 KB (and sends what is left as a string), so half of that
 * leaves room for the envelope.
 */
export const REALTIME_INLINE_LIMIT_BYTES = 256 * 1024;

/** Consecutive messages packed into publishes of at most REALTIME_INLINE_LIMIT_BYTES each. */
function batchesOf(messages: RunChannelMessage[]): RunChannelMessage[][] {
  const batches: RunChannelMessage[][] = [];
  let current: RunChannelMessage[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = Buffer.byteLength(JSON.stringify(message));
    if (current.length > 0 && size + bytes > REALTIME_INLINE_LIMIT_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

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
