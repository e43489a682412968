"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import { TableHead } from "../ui/table-head";
import { ApprovalActions, DecisionBadge } from "./approval-actions";
import { formatBytes } from "./json-view";
import {
  approvalDecisionOf,
  formatAttempts,
  isOpenApproval,
  isStoredOutputMarker,
  shownStepStatus,
} from "./run-view-model";

export type RunStepRow = {
  nodeId: string;
  nodeType: string;
  status: string;
  attempt: number;
  output: unknown;
  error: { message: string; code?: string } | null;
  startedAt: string | null;
  finishedAt?: string | null;
  durationMs: number | null;
};

const FINISHED = new Set(["succeeded", "partial", "failed", "cancelled"]);

/**
 * Each node of the run: status, attempts, duration, output (collapsed when large)
 * and error, the failing node first to catch the eye; approvals can be decided and
 * a finished run re-run from any node (upstream outputs are reused).
 */
export function RunSteps({
  runId,
  workflowId,
  runStatus,
  steps,
}: {
  runId: string;
  workflowId: string;
  runStatus: string;
  steps: RunStepRow[];
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const ordered = [...steps].sort(byTimeline);

  async function rerunFrom(nodeId: string) {
    setError(null);
    const response = await fetch(`/api/workflows/${workflowId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fromNodeId: nodeId, sourceRunId: runId }),
    });
    if (!response.ok) {
      setError(await apiErrorMessage(response));
      return;
    }
    router.push(`/runs/${((await response.json()) as { runId: string }).runId}`);
  }

  return (
    <section className="card" aria-labelledby="steps">
      <h2 id="steps">Nodes</h2>
      <ErrorBanner message={error} />
      <table className="runs">
        <TableHead columns={["Node", "Status", "Attempts", "Duration", "Output or error"]} actions />
        <tbody>
          {ordered.map((step) => {
            const status = shownStepStatus(step, runStatus);
            const decision = approvalDecisionOf(step);
            return (
              <tr key={step.nodeId} data-node={step.nodeId} data-status={status}>
                <td>
                  <strong>{step.nodeId}</strong> <span className="muted">{step.nodeType}</span>
                </td>
                <td className={`status-${status}`}>
                  {status}
                  {decision && (
                    <>
                      {" "}
                      <DecisionBadge decision={decision} />
                    </>
                  )}
                </td>
                <td>{formatAttempts(step)}</td>
                <td>{step.durationMs === null ? "" : `${step.durationMs} ms`}</td>
                <td className="run-value">
                  {step.error ? (
                    <span role="note" className="error">
                      {step.error.code ? `${step.error.code}: ` : ""}
                      {step.error.message}
                    </span>
                  ) : (
                    <JsonValue value={step.output} />
                  )}
                </td>
                <td>
                  {isOpenApproval(step, runStatus) && (
                    <ApprovalActions runId={runId} nodeId={step.nodeId} onError={setError} />
                  )}
                  {FINISHED.has(runStatus) && step.status !== "skipped" && (
                    <button
                      type="button"
                      onClick={() => rerunFrom(step.nodeId)}
                      aria-label={`Re-run from here (${step.nodeId})`}
                    >
                      Re-run from here
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Small values inline; large ones collapsed behind a summary, pretty-printed. */
function JsonValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (isStoredOutputMarker(value)) {
    return <span className="muted">{formatBytes(value.sizeBytes)}, stored: open the node to load it</span>;
  }
  const text = JSON.stringify(value, null, 2);
  if (text.length <= 120) return <code>{JSON.stringify(value)}</code>;
  return (
    <details>
      <summary>{text.length.toLocaleString("en-US")} characters</summary>
      <pre>{text}</pre>
    </details>
  );
}

/** Failed first, then in the order the nodes started; nodes that never started last. */
function byTimeline(a: RunStepRow, b: RunStepRow): number {
  const failed = Number(b.status === "failed") - Number(a.status === "failed");
  if (failed !== 0) return failed;
  if (a.startedAt && b.startedAt) return a.startedAt.localeCompare(b.startedAt);
  return Number(a.startedAt === null) - Number(b.startedAt === null);
}
