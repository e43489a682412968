"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import type { RunEventMessage } from "../../../../inngest/channels";
import { useRunEvents } from "./use-run-events";

/** The run's event log, live. A gap in what arrived makes the page re-read the stored events once. */
export function RunEventLog({ runId, initialEvents }: { runId: string; initialEvents: RunEventMessage[] }) {
  const router = useRouter();
  const { events, connectionStatus, error, missingFrom } = useRunEvents(runId, initialEvents);

  useEffect(() => {
    if (missingFrom !== null) router.refresh();
  }, [missingFrom, router]);

  return (
    <section className="card">
      <h2>
        Events <span className="muted">{error ? error.message : `live: ${connectionStatus}`}</span>
      </h2>
      <ol>
        {events.map((event) => (
          <li key={event.seq} value={event.seq}>
            <code>{event.type}</code>
            {event.nodeId && <span className="muted"> {event.nodeId}</span>} <small>{summary(event)}</small>
          </li>
        ))}
      </ol>
    </section>
  );
}

function summary(event: RunEventMessage): string {
  const text = JSON.stringify(event.data);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
