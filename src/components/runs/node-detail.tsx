"use client";

import "./run-view.css";
import Link from "next/link";
import { useState, useSyncExternalStore } from "react";
import { ErrorBanner } from "../ui/error-banner";
import { ApprovalActions, DecisionBadge } from "./approval-actions";
import { EditOutputForm } from "./edit-output-form";
import { formatBytes, JsonView } from "./json-view";
import type { RunStepRow } from "./run-steps";
import {
  approvalDecisionOf,
  formatAttempts,
  formatDuration,
  isOpenApproval,
  isStoredOutputMarker,
  type RerunOrigin,
  type StepUsage,
  shownStepStatus,
} from "./run-view-model";

const FINISHED = new Set(["succeeded", "partial", "failed", "cancelled"]);

/** A run event as the page holds it; `log` events carry `{ level, message, … }` from the node. */
export type NodeLogEvent = {
  seq: number;
  type: string;
  nodeId: string | null;
  data: Record<string, unknown>;
};

export type DetailNode = {
  id: string;
  type: string;
  config: unknown;
  /** Its parents' outputs by node id: the upstream values its templates read. */
  parentOutputs: Record<string, unknown>;
  canTakeEditedOutput: boolean;
};

/**
 * Everything about one node in this run: status, attempts, times, model usage, config, output (a
 * stored one read on demand) and error; a finished run can be re-run from it, with its output edited
 * first when its descendants can take one.
 */
export function NodeDetail({
  runId,
  runStatus,
  node,
  step,
  usage,
  origin,
  editedOutput,
  logs = [],
  onRerun,
}: {
  runId: string;
  runStatus: string;
  node: DetailNode;
  step: RunStepRow | undefined;
  usage: StepUsage | undefined;
  origin: RerunOrigin | null;
  editedOutput: unknown;
  /** This node's log lines in this run, in order. */
  logs?: readonly NodeLogEvent[];
  onRerun: (nodeId: string, output?: unknown) => Promise<void>;
}) {
  const [loaded, setLoaded] = useState<{ nodeId: string; output: unknown } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [decisionError, setDecisionError] = useState<string | null>(null);
  const edited = origin?.editedNodeId === node.id;
  const reused = !edited && origin?.reusedNodeIds.includes(node.id);
  const stepOutput = loaded?.nodeId === node.id ? loaded.output : step?.output;
  const output = edited ? editedOutput : stepOutput;
  const canRerun = FINISHED.has(runStatus) && step !== undefined && step.status !== "skipped";
  const status = step && shownStepStatus(step, runStatus);
  const decision = step && approvalDecisionOf(step);

  async function loadStored() {
    setLoadError(null);
    const response = await fetch(`/api/runs/${runId}`);
    if (!response.ok) {
      setLoadError(`Reading the output failed (${response.status})`);
      return;
    }
    const run = (await response.json()) as { steps: RunStepRow[] };
    setLoaded({ nodeId: node.id, output: run.steps.find((s) => s.nodeId === node.id)?.output ?? null });
  }

  return (
    <section className="card node-detail" aria-labelledby="node-detail-heading" data-detail-node={node.id}>
      <h2 id="node-detail-heading">
        Node <code>{node.id}</code> <span className="muted">{node.type}</span>
      </h2>
      {edited && origin && (
        <p className="muted">
          Not executed: this output was given with the re-run of{" "}
          <Link href={`/runs/${origin.sourceRunId}`}>{origin.sourceRunId}</Link>.
        </p>
      )}
      {reused && origin && (
        <p className="muted">
          Not executed: its output in <Link href={`/runs/${origin.sourceRunId}`}>{origin.sourceRunId}</Link>{" "}
          was reused.
        </p>
      )}
      {step && (
        <dl className="node-facts">
          <dt>Status</dt>
          <dd className={`status-${status}`} data-testid="node-detail-status">
            {status}
          </dd>
          {decision && (
            <>
              <dt>Decision</dt>
              <dd>
                <DecisionBadge decision={decision} />
              </dd>
            </>
          )}
          <dt>Attempts</dt>
          <dd>{formatAttempts(step)}</dd>
          <dt>Started</dt>
          <dd>
            <Instant iso={step.startedAt} />
          </dd>
          <dt>Finished</dt>
          <dd>
            <Instant iso={step.finishedAt ?? null} />
          </dd>
          <dt>Duration</dt>
          <dd>{formatDuration(step.durationMs)}</dd>
          {usage?.model && (
            <>
              <dt>Model</dt>
              <dd>{usage.model}</dd>
            </>
          )}
          {(usage?.tokensIn !== null || usage?.tokensOut !== null) && usage && (
            <>
              <dt>Tokens</dt>
              <dd>
                {usage.tokensIn ?? 0} in · {usage.tokensOut ?? 0} out
              </dd>
            </>
          )}
          {usage?.costUsd != null && (
            <>
              <dt>Cost</dt>
              <dd>${usage.costUsd.toFixed(6)}</dd>
            </>
          )}
        </dl>
      )}
      {step && isOpenApproval(step, runStatus) && (
        <>
          <p>
            Waiting for a person's decision:{" "}
            <ApprovalActions runId={runId} nodeId={node.id} onError={setDecisionError} />
          </p>
          <ErrorBanner message={decisionError} />
        </>
      )}
      {step?.error && (
        <p role="note" className="error">
          {step.error.code ? `${step.error.code}: ` : ""}
          {step.error.message}
        </p>
      )}
      {Object.keys(node.parentOutputs).length > 0 && (
        <>
          <h3>Input from upstream</h3>
          <JsonView value={{ nodes: node.parentOutputs }} label={`Upstream outputs read by ${node.id}`} />
        </>
      )}
      {logs.length > 0 && (
        <>
          <h3>Logs</h3>
          <ul className="node-logs" aria-label={`Logs of ${node.id}`}>
            {logs.map((event) => (
              <li key={event.seq}>
                <span className="muted">{String(event.data.level ?? "info")}</span>{" "}
                {String(event.data.message ?? JSON.stringify(event.data))}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Config</h3>
      <JsonView value={node.config ?? null} label={`Config of ${node.id}`} />
      <h3>Output</h3>
      {isStoredOutputMarker(output) ? (
        <p>
          {formatBytes(output.sizeBytes)}, stored out of line.{" "}
          <button type="button" onClick={loadStored}>
            Load output
          </button>
          {loadError && (
            <span className="error" role="alert">
              {" "}
              {loadError}
            </span>
          )}
        </p>
      ) : (
        <JsonView value={output ?? null} label={`Output of ${node.id}`} />
      )}
      {canRerun && !editing && (
        <p>
          <button type="button" onClick={() => onRerun(node.id)}>
            Re-run from this node
          </button>{" "}
          {node.canTakeEditedOutput && (
            <button type="button" onClick={() => setEditing(true)} disabled={isStoredOutputMarker(output)}>
              Edit output and re-run
            </button>
          )}
        </p>
      )}
      {canRerun && editing && (
        <EditOutputForm
          nodeId={node.id}
          initial={output}
          onSubmit={(value) => onRerun(node.id, value)}
          onCancel={() => setEditing(false)}
        />
      )}
    </section>
  );
}

const noSubscription = () => () => undefined;

/**
 * A moment in the browser's time zone and locale. The server render and hydration (which must match
 * it) show UTC: the server knows neither the person's zone nor their locale.
 */
function Instant({ iso }: { iso: string | null }) {
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  if (!iso) return <>—</>;
  return (
    <time dateTime={iso}>
      {hydrated ? new Date(iso).toLocaleString() : `${iso.slice(0, 19).replace("T", " ")} UTC`}
    </time>
  );
}
