"use client";

import "../../../components/runs/run-view.css";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { RunEventMessage } from "../../../../inngest/channels";
import type { SavedGraph } from "../../../components/graph/flow-elements";
import { RunDiff } from "../../../components/runs/run-diff";
import { latestRunStatus } from "../../../components/runs/run-events";
import { type RunStepRow, RunSteps } from "../../../components/runs/run-steps";
import { RunView } from "../../../components/runs/run-view";
import type { RerunOrigin, StepUsage } from "../../../components/runs/run-view-model";
import { apiErrorMessage } from "../../../components/settings/api-error";
import { ErrorBanner } from "../../../components/ui/error-banner";
import { useRunEvents } from "./use-run-events";

export type RunHeading = {
  id: string;
  status: string;
  workflowId: string;
  workflowName: string;
  version: number;
  trigger: string;
  steps: RunStepRow[];
};

/** What the run view shows besides the live status and steps: the pinned graph, usage, re-run origin. */
export type RunViewData = {
  graph: SavedGraph | null;
  usage: Record<string, StepUsage>;
  origin: RerunOrigin | null;
  editedOutput: unknown;
};

const FINISHED = new Set(["succeeded", "partial", "failed", "cancelled"]);
const LIVE = new Set(["queued", "running", "waiting"]);

/**
 * The run, live: the status follows the latest `run.status` event, the nodes are
 * read again whenever a new event arrives, and the log has every event once, in
 * order (gaps in what arrived live are read from the server).
 */
export function RunEventLog({
  run,
  initialEvents,
  view,
}: {
  run: RunHeading;
  initialEvents: RunEventMessage[];
  view: RunViewData;
}) {
  const { events, connectionStatus, error, missingFrom } = useRunEvents(run.id, initialEvents);
  const status = latestRunStatus(events, run.status);
  const steps = useLiveSteps(run.id, run.steps, events.at(-1)?.seq ?? 0);
  const [actionError, setActionError] = useState<string | null>(null);

  async function cancel() {
    setActionError(null);
    const response = await fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
    if (!response.ok) setActionError(await apiErrorMessage(response));
  }

  return (
    <>
      <p className="muted">
        <span data-testid="run-status">{status}</span> ·{" "}
        <Link href={`/workflows/${run.workflowId}`}>{run.workflowName}</Link> v{run.version} · started by{" "}
        {run.trigger}{" "}
        {LIVE.has(status) && (
          <button type="button" onClick={cancel}>
            Cancel run
          </button>
        )}
      </p>
      <ErrorBanner message={actionError} />
      <RunView
        runId={run.id}
        workflowId={run.workflowId}
        runStatus={status}
        graph={view.graph}
        steps={steps}
        usage={view.usage}
        origin={view.origin}
        editedOutput={view.editedOutput}
        events={events}
      />
      <RunSteps runId={run.id} workflowId={run.workflowId} runStatus={status} steps={steps} />
      {view.origin && (
        <RunDiff
          // Read again once the run is over: the executed nodes' outputs are final then.
          key={FINISHED.has(status) ? "finished" : "live"}
          runId={run.id}
          sourceRunId={view.origin.sourceRunId}
          finished={FINISHED.has(status)}
        />
      )}
      <section className="card">
        <h2>
          Events{" "}
          <span className="muted" data-testid="live-status">
            {error ? error.message : `live: ${connectionStatus}`}
            {missingFrom !== null && ` · reading missed events from #${missingFrom}`}
          </span>
        </h2>
        <ol className="run-event-log">
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

/**
 * The run's nodes as the server has them, read again after each event newer than the page (which
 * read its steps after its events, and left large outputs out for the node detail to load on demand).
 */
function useLiveSteps(runId: string, initial: RunStepRow[], lastSeq: number): RunStepRow[] {
  const [steps, setSteps] = useState(initial);
  const [renderedSeq] = useState(lastSeq);
  useEffect(() => {
    if (lastSeq === 0 || lastSeq === renderedSeq) return;
    const controller = new AbortController();
    fetch(`/api/runs/${runId}`, { signal: controller.signal })
      .then((response) => (response.ok ? (response.json() as Promise<{ steps: RunStepRow[] }>) : null))
      .then((detail) => {
        if (detail) setSteps(detail.steps);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [runId, lastSeq, renderedSeq]);
  return steps;
}

function summary(event: RunEventMessage): string {
  const text = JSON.stringify(event.data);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
