"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import { TableHead } from "../ui/table-head";
import { formatBytes } from "./json-view";
import { isStoredOutputMarker } from "./run-view-model";

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

  async function post(url: string, body: unknown): Promise<Response | null> {
    setError(null);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) return response;
    setError(await apiErrorMessage(response));
    return null;
  }

  async function rerunFrom(nodeId: string) {
    const response = await post(`/api/workflows/${workflowId}/runs`, {
      fromNodeId: nodeId,
      sourceRunId: runId,
    });
    if (response) router.push(`/runs/${((await response.json()) as { runId: string }).runId}`);
  }

  return (
    <section className="card" aria-labelledby="steps">
      <h2 id="steps">Nodes</h2>
      <ErrorBanner message={error} />
      <table className="runs">
        <TableHead columns={["Node", "Status", "Attempts", "Duration", "Output or error"]} actions />
        <tbody>
          {ordered.map((step) => (
            <tr key={step.nodeId} data-node={step.nodeId} data-status={step.status}>
              <td>
                <strong>{step.nodeId}</strong> <span className="muted">{step.nodeType}</span>
              </td>
              <td className={`status-${step.status}`}>{step.status}</td>
              <td>{step.attempt + 1}</td>
              <td>{step.durationMs === null ? "" : `${step.durationMs} ms`}</td>
              <td>
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
                {step.nodeType === "approval" && step.status === "running" && runStatus === "waiting" && (
                  <>
                    <button
                      type="button"
                      onClick={async () => {
                        if (
                          await post(`/api/runs/${runId}/approvals/${step.nodeId}`, { decision: "approve" })
                        )
                          router.refresh();
                      }}
                    >
                      Approve
                    </button>{" "}
                    <button
                      type="button"
                      onClick={async () => {
                        if (await post(`/api/runs/${runId}/approvals/${step.nodeId}`, { decision: "reject" }))
                          router.refresh();
                      }}
                    >
                      Reject
                    </button>
                  </>
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
          ))}
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
      <summary>{text.length.toLocaleString()} characters</summary>
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
