"use client";

import "./run-view.css";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { isNodeType, NODE_CATALOG } from "@/engine/catalog";
import type { SavedGraph } from "../graph/flow-elements";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import { type DetailNode, NodeDetail, type NodeLogEvent } from "./node-detail";
import { RunGraph } from "./run-graph";
import type { RunStepRow } from "./run-steps";
import { RunTimeline } from "./run-timeline";
import { defaultSelectedNode, type RerunOrigin, type StepUsage, statusByNode } from "./run-view-model";

/**
 * The run as a person debugs it: the pinned graph coloured by status, the selected node's detail
 * (the failing node when the run failed), and the timeline. Re-runs start here and open the new run.
 */
export function RunView({
  runId,
  workflowId,
  runStatus,
  graph,
  steps,
  usage,
  origin,
  editedOutput,
  events,
}: {
  runId: string;
  workflowId: string;
  runStatus: string;
  graph: SavedGraph | null;
  steps: RunStepRow[];
  usage: Record<string, StepUsage>;
  origin: RerunOrigin | null;
  editedOutput: unknown;
  /** The run's events so far: the selected node's log lines come from here, live. */
  events: readonly NodeLogEvent[];
}) {
  const router = useRouter();
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const statuses = useMemo(() => statusByNode(steps, runStatus, origin), [steps, runStatus, origin]);
  const selectedNodeId = picked ?? defaultSelectedNode(steps);
  const selected = selectedNodeId === null ? null : detailNode(graph, steps, selectedNodeId);

  async function rerun(nodeId: string, output?: unknown) {
    setError(null);
    const response = await fetch(`/api/workflows/${workflowId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        fromNodeId: nodeId,
        sourceRunId: runId,
        ...(output === undefined ? {} : { output }),
      }),
    });
    if (!response.ok) {
      setError(await apiErrorMessage(response));
      return;
    }
    router.push(`/runs/${((await response.json()) as { runId: string }).runId}`);
  }

  return (
    <>
      {graph && graph.nodes.length > 0 && (
        <RunGraph graph={graph} statuses={statuses} selectedNodeId={selectedNodeId} onSelect={setPicked} />
      )}
      <ErrorBanner message={error} />
      {selected ? (
        <NodeDetail
          key={selected.id}
          runId={runId}
          runStatus={runStatus}
          node={selected}
          step={steps.find((step) => step.nodeId === selected.id)}
          usage={usage[selected.id]}
          origin={origin}
          editedOutput={editedOutput}
          logs={events.filter((event) => event.type === "log" && event.nodeId === selected.id)}
          onRerun={rerun}
        />
      ) : (
        <section className="card" aria-labelledby="node-detail-heading">
          <h2 id="node-detail-heading">Node detail</h2>
          <p className="muted">
            Select a node in the graph or the timeline to see its output, error and timing.
          </p>
        </section>
      )}
      <RunTimeline steps={steps} runStatus={runStatus} selectedNodeId={selectedNodeId} onSelect={setPicked} />
    </>
  );
}

function detailNode(
  graph: SavedGraph | null,
  steps: readonly RunStepRow[],
  nodeId: string,
): DetailNode | null {
  const node = graph?.nodes.find((candidate) => candidate.id === nodeId);
  const type = node?.type ?? steps.find((step) => step.nodeId === nodeId)?.nodeType;
  if (type === undefined) return null;
  const leadsOn = graph?.edges.some((edge) => edge.source === nodeId) ?? false;
  // A branching node's output picks the path, which a partial run does not re-plan (the server refuses).
  const branches = isNodeType(type) && NODE_CATALOG[type].outputs.length > 1;
  // What its templates read as `nodes.<id>`: its parents' outputs in this run (reused ones are not steps here).
  const parents = (graph?.edges ?? []).filter((edge) => edge.target === nodeId).map((edge) => edge.source);
  const parentOutputs = Object.fromEntries(
    parents.map((parent) => [parent, steps.find((step) => step.nodeId === parent)?.output ?? null]),
  );
  return {
    id: nodeId,
    type,
    config: node?.data?.config ?? null,
    parentOutputs,
    canTakeEditedOutput: leadsOn && !branches,
  };
}
