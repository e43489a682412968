"use client";

import { useRealtime } from "inngest/react";
import { useEffect, useMemo, useState } from "react";
import type { RunEventMessage } from "../../../../inngest/channels";
import {
  firstMissingSeq,
  isOmittedRunEvent,
  isRunEventMessage,
  mergeRunEvents,
} from "../../../components/runs/run-events";

/** How often, and how many times, a gap is read again while its events are not stored yet. */
const GAP_RETRY_MS = 1_000;
const GAP_RETRIES = 30;

/**
 * A run's events for the run page: the ones the server rendered, then live ones
 * from Inngest realtime (`useRealtime`), merged by seq so nothing shows twice.
 * The subscription token comes from our session route, which checks the run is
 * the caller's and grants this run's channel only. When a seq is missing while a
 * later one is there (a publish lost, or sent between the server render and the
 * subscription), the missing events are read from `GET /api/runs/:id/events`
 * until the log has no hole; once the subscription opens, what came after the
 * render is read once too.
 */
export function useRunEvents(runId: string, initialEvents: RunEventMessage[]) {
  const { messages, connectionStatus, error } = useRealtime({
    channel: `run:${runId}`,
    topics: ["events"],
    token: () => fetchRunToken(runId),
    // A run's events are bounded by the run; keep them all, the page shows the whole log.
    historyLimit: null,
  });
  const [filled, setFilled] = useState<RunEventMessage[]>([]);
  const [gapReads, setGapReads] = useState(0);

  const live = messages.all;
  // A live event without its data (too large to publish) announces its seq; the event itself is read
  // from the events route like a gap.
  const { events, announced } = useMemo(() => {
    const published = live.flatMap((message) => eventsOf(message.data));
    const received = published.filter((event) => !isOmittedRunEvent(event));
    const omitted = published.filter((event) => isOmittedRunEvent(event)).map((event) => event.seq);
    return { events: mergeRunEvents(initialEvents, filled, received), announced: omitted };
  }, [initialEvents, filled, live]);
  const missingFrom = firstMissingSeq(events, announced);

  useEffect(() => {
    if (missingFrom === null || gapReads >= GAP_RETRIES) return;
    let cancelled = false;
    // The first read goes at once; a gap that outlives it is read again a little later.
    const timer = setTimeout(
      () => {
        readEventsAfter(runId, missingFrom - 1)
          .then((page) => {
            if (!cancelled) setFilled((previous) => mergeRunEvents(previous, page));
          })
          .catch(() => undefined)
          .finally(() => {
            if (!cancelled) setGapReads((reads) => reads + 1);
          });
      },
      gapReads === 0 ? 0 : GAP_RETRY_MS,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [runId, missingFrom, gapReads]);

  // Events published after the server render but before the subscription opened reach no
  // subscriber; when they are the last ones no gap reveals them, so read once on opening.
  const lastSeq = events.at(-1)?.seq ?? 0;
  const [caughtUp, setCaughtUp] = useState(false);
  useEffect(() => {
    if (connectionStatus !== "open" || caughtUp) return;
    setCaughtUp(true);
    readEventsAfter(runId, lastSeq)
      .then((page) => setFilled((previous) => mergeRunEvents(previous, page)))
      .catch(() => undefined);
  }, [runId, connectionStatus, caughtUp, lastSeq]);

  return { events, connectionStatus, error, missingFrom };
}

async function fetchRunToken(runId: string) {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/realtime-token`, { method: "POST" });
  if (!response.ok) throw new Error(`Live updates are unavailable (${response.status})`);
  return (await response.json()) as { channel: string; topics: string[]; key: string; apiBaseUrl?: string };
}

async function readEventsAfter(runId: string, after: number): Promise<RunEventMessage[]> {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/events?after=${after}`);
  if (!response.ok) throw new Error(`Reading the run's events failed (${response.status})`);
  const page = (await response.json()) as { data: unknown[] };
  return page.data.filter(isRunEventMessage);
}

/** The events of one publish (a batch: what one write on the server produced), checked one by one. */
function eventsOf(data: unknown): RunEventMessage[] {
  const events = (data as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? events.filter(isRunEventMessage) : [];
}
