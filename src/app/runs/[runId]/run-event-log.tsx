"use client";

import type { RunEventMessage } from "../../../../inngest/channels";
import { latestRunStatus } from "../../../components/runs/run-events";
import { useRunEvents } from "./use-run-events";

export type RunHeading = { id: string; status: string; workflowId: string; version: number; trigger: string };

/**
 * The run's status line and event log, live: the status follows the latest
 * `run.status` event, and the log has every event once, in order (gaps in what
 * arrived live are read from the server).
 */
export function RunEventLog({ run, initialEvents }: { run: RunHeading; initialEvents: RunEventMessage[] }) {
  const { events, connectionStatus, error, missingFrom } = useRunEvents(run.id, initialEvents);
  const status = latestRunStatus(events, run.status);
  return (
    <>
      <p className="muted">
        <span data-testid="run-status">{status}</span> · {run.workflowId} v{run.version} · started by{" "}
        {run.trigger}
      </p>
      <section className="card">
        <h2>
          Events{" "}
          <span className="muted">
            {error ? error.message : `live: ${connectionStatus}`}
            {missingFrom !== null && ` · reading missed events from #${missingFrom}`}
          </span>
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
    </>
  );
}

function summary(event: RunEventMessage): string {
  const text = JSON.stringify(event.data);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
