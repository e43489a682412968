import { logger } from "@/lib/logger";
import type { Database } from "../../db/client";
import { listRunEvents } from "../queries";
import { toRunEventMessage } from "../run-event-message";
import { isTerminalRunStatus } from "../statuses";
import { getRunStatusOrThrow } from "./get-run-status";
import type { RunFeed } from "./run-feed";
import { attachToRunFeed } from "./run-feeds";
import { RunStreamSession, type StreamSink } from "./run-stream-session";
import { runStreamSettings } from "./stream-settings";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  // Proxies such as nginx would otherwise buffer the stream.
  "x-accel-buffering": "no",
};

/**
 * A run's events as server-sent events, for the session and the API-key route;
 * 204 No Content for a finished run whose client already has all its events.
 * Reads the database twice per connection, whatever else is streaming: the
 * ownership check (404 before anything is opened) and one replay. In between it
 * joins the run's shared feed, so events published while the replay is read are
 * held and none falls between replay and live.
 */
export async function openRunStream(
  db: Database,
  args: { workspaceId: string; runId: string; afterSeq: number; signal?: AbortSignal },
): Promise<Response> {
  const { workspaceId, runId, afterSeq } = args;
  const { status, lastSeq } = await getRunStatusOrThrow(db, workspaceId, runId);
  // The run is over and the client has every event: 204 is the one answer that stops an
  // EventSource from reconnecting (a 200 with only `end` would have it come back forever).
  if (isTerminalRunStatus(status) && afterSeq >= lastSeq) {
    return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  }
  const settings = runStreamSettings();
  let session: RunStreamSession | undefined;
  let feed: RunFeed | undefined;
  let detach: (() => void) | undefined;

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const sink: StreamSink = {
          write(frame) {
            try {
              controller.enqueue(frame);
            } catch {
              return false; // the client already cancelled the stream
            }
            return (controller.desiredSize ?? 0) > -settings.maxQueuedBytes;
          },
          close() {
            try {
              controller.close();
            } catch {
              // Already closed by the client going away.
            }
          },
        };
        const opened = new RunStreamSession({
          afterSeq,
          sink,
          clock: settings.clock,
          heartbeatMs: settings.heartbeatMs,
          maxDurationMs: settings.maxDurationMs,
          gapGraceMs: settings.gapGraceMs,
          requestCatchUp: () => feed?.requestCatchUp(),
          onClose: () => detach?.(),
        });
        session = opened;
        opened.start();
        if (args.signal?.aborted) return opened.close("client_gone");
        args.signal?.addEventListener("abort", () => opened.close("client_gone"), { once: true });

        void (async () => {
          try {
            if (!isTerminalRunStatus(status)) {
              const attachment = await attachToRunFeed({ db, workspaceId, runId, listener: opened });
              feed = attachment.feed;
              detach = attachment.detach;
              if (opened.closed) return detach();
            }
            const stored = await listRunEvents(db, workspaceId, runId, afterSeq);
            opened.replay(stored.map(toRunEventMessage));
            // A run that was over before we joined has nothing live to wait for.
            if (isTerminalRunStatus(status) && !opened.closed) opened.end(status);
          } catch (error) {
            logger.warn({ runId, err: error }, "run stream could not start");
            opened.close("failed");
          }
        })();
      },
      cancel() {
        session?.close("client_gone");
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
