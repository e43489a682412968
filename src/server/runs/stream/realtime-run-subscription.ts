import { subscribe } from "inngest/realtime";
import { type RunChannelMessage, runChannel } from "../../../../inngest/channels";
import { inngest } from "../../../../inngest/client";

/** A live server-side subscription to one run's channel. */
export type RunChannelSubscription = {
  close(): void;
  /** Settles when the subscription ends: closed by us, or dropped by the other side. */
  ended: Promise<void>;
};

/** Opens a subscription; resolves once it is connected, so nothing published afterwards is missed. */
export type SubscribeRunChannel = (
  runId: string,
  onMessage: (message: RunChannelMessage) => void,
) => Promise<RunChannelSubscription>;

/** Node 20 has no global WebSocket, which the SDK's subscriber needs (Node 22 has one). */
async function ensureWebSocket(): Promise<void> {
  if (typeof globalThis.WebSocket !== "undefined") return;
  const { WebSocket } = await import("ws");
  globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
}

/** Inngest realtime through the SDK: a channel-scoped token, then a WebSocket to Inngest (or the local engine). */
export const subscribeRunChannel: SubscribeRunChannel = async (runId, onMessage) => {
  await ensureWebSocket();
  const stream = await subscribe({ app: inngest, channel: runChannel({ runId }), topics: ["events"] });
  const reader = stream.getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        // The SDK validated `data` against the channel's schema before handing it over.
        if (value.kind === "data") for (const message of value.data.events) onMessage(message);
      }
    } catch {
      // A broken stream ends the subscription the same way a closed one does.
    } finally {
      reader.releaseLock();
    }
  })();
  return {
    close: () => stream.close("stream feed closed"),
    ended,
  };
};
