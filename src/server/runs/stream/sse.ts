import type { RunEventMessage } from "../../../../inngest/channels";
import { RUN_EVENT_TYPES, type RunEventType } from "../../db/schema";

/**
 * Server-sent event frames for run streams. `id:` is the event's per-run seq,
 * so a reconnecting EventSource sends it back as Last-Event-ID; heartbeat and
 * end frames carry no id and leave the client's position alone.
 */

/** The SSE event name of each stored event type: a new type fails to compile until it is named here. */
const SSE_EVENT_NAMES: Record<RunEventType, string> = {
  "run.status": "run.status",
  "step.started": "step.started",
  "step.completed": "step.completed",
  "step.failed": "step.failed",
  "step.skipped": "step.skipped",
  log: "log",
  token: "token",
  "approval.requested": "approval.requested",
  "approval.decided": "approval.decided",
  "run.reconciled": "run.reconciled",
  "agent.turn": "agent.turn",
  "agent.tool_call": "agent.tool_call",
  "agent.tool_result": "agent.tool_result",
};

export type SseControlEvent = "heartbeat" | "end";

function isRunEventType(type: string): type is RunEventType {
  return (RUN_EVENT_TYPES as readonly string[]).includes(type);
}

/** A type written by a newer version of the app than this one still reaches clients, as a plain message. */
export function sseEventName(type: string): string {
  return isRunEventType(type) ? SSE_EVENT_NAMES[type] : "message";
}

const encoder = new TextEncoder();
/** One live event goes to every subscriber of the run: encode it once. */
const encoded = new WeakMap<RunEventMessage, Uint8Array>();

export function eventFrame(message: RunEventMessage): Uint8Array {
  let frame = encoded.get(message);
  if (!frame) {
    // JSON.stringify escapes newlines, so the payload stays on one `data:` line.
    frame = encoder.encode(
      `id: ${message.seq}\nevent: ${sseEventName(message.type)}\ndata: ${JSON.stringify(message)}\n\n`,
    );
    encoded.set(message, frame);
  }
  return frame;
}

export function controlFrame(event: SseControlEvent, data: Record<string, unknown>): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Tells EventSource how soon to reconnect after the server closes the stream. */
export function retryFrame(ms: number): Uint8Array {
  return encoder.encode(`retry: ${ms}\n\n`);
}
