"use client";

import { useRealtime } from "inngest/react";
import { useMemo } from "react";
import type { RunEventMessage } from "../../../../inngest/channels";

/**
 * A run's events for the run page: the ones the server rendered, then live
 * ones from Inngest realtime (`useRealtime`), merged by seq so nothing shows
 * twice. The subscription token comes from our session route, which checks the
 * run is the caller's and grants this run's channel only. `missingFrom` names
 * the first seq not seen yet while a later one is (events published between the
 * server render and the subscription): the page then re-renders from the
 * database.
 */
export function useRunEvents(runId: string, initialEvents: RunEventMessage[]) {
  const { messages, connectionStatus, error } = useRealtime({
    channel: `run:${runId}`,
    topics: ["events"],
    token: () => fetchRunToken(runId),
    // A run's events are bounded by the run; keep them all, the page shows the whole log.
    historyLimit: null,
  });

  const live = messages.all;
  return useMemo(() => {
    const bySeq = new Map<number, RunEventMessage>();
    for (const event of initialEvents) bySeq.set(event.seq, event);
    for (const message of live)
      if (isRunEventMessage(message.data)) bySeq.set(message.data.seq, message.data);
    const events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const gap = events.findIndex((event, index) => event.seq !== index + 1);
    return { events, connectionStatus, error, missingFrom: gap === -1 ? null : gap + 1 };
  }, [initialEvents, live, connectionStatus, error]);
}

async function fetchRunToken(runId: string) {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/realtime-token`, { method: "POST" });
  if (!response.ok) throw new Error(`Live updates are unavailable (${response.status})`);
  return (await response.json()) as { channel: string; topics: string[]; key: string; apiBaseUrl?: string };
}

function isRunEventMessage(value: unknown): value is RunEventMessage {
  if (!value || typeof value !== "object") return false;
  const candidate = value as Partial<RunEventMessage>;
  return typeof candidate.seq === "number" && typeof candidate.type === "string";
}
