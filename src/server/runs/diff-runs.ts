import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import { editedNodeIdOf, type NodeDiff, type RunDiffDto, type RunStepDto } from "./contracts";
import { getRunDetail, getRunOrThrow } from "./queries";

export type { NodeDiff, RunDiffDto } from "./contracts";

/**
 * Per-node output differences between a re-run and the run it was made from. A node the re-run did
 * not execute is `reused`, or `edited` when its output was given with the re-run (before: the source
 * run's output, after: the given one).
 */
export async function diffRuns(
  db: Database,
  args: { workspaceId: string; runId: string },
): Promise<RunDiffDto> {
  const run = await getRunDetail(db, args.workspaceId, args.runId);
  if (!run.sourceRunId) {
    throw new AppError(
      "conflict",
      "This run was not made from another run, so there is nothing to compare it with",
    );
  }
  const source = await getRunDetail(db, args.workspaceId, run.sourceRunId);
  const editedNodeId = editedNodeIdOf(run);
  // The edited output is stored inline with the run's seeds (its size is bounded by the input limit).
  const edited =
    editedNodeId === null
      ? undefined
      : (await getRunOrThrow(db, args.workspaceId, run.id)).seedOutputs?.[editedNodeId];
  const before = byNode(source.steps);
  const after = byNode(run.steps);
  const nodeIds = [
    ...new Set([...before.keys(), ...after.keys(), ...(editedNodeId ? [editedNodeId] : [])]),
  ].sort();
  return {
    runId: run.id,
    sourceRunId: source.id,
    fromNodeId: run.fromNodeId,
    nodes: nodeIds.map((nodeId): NodeDiff => {
      const old = before.get(nodeId);
      const now = after.get(nodeId);
      if (nodeId === editedNodeId) {
        return { nodeId, change: "edited", before: old?.output ?? null, after: edited ?? null };
      }
      if (!now) {
        const reused = run.reusedNodeIds.includes(nodeId);
        return {
          nodeId,
          change: reused ? "reused" : "only_in_source",
          before: old?.output ?? null,
          after: reused ? (old?.output ?? null) : null,
        };
      }
      if (!old) return { nodeId, change: "only_in_run", before: null, after: now.output };
      const same = JSON.stringify(old.output) === JSON.stringify(now.output) && old.status === now.status;
      return { nodeId, change: same ? "unchanged" : "changed", before: old.output, after: now.output };
    }),
  };
}

function byNode(steps: RunStepDto[]): Map<string, RunStepDto> {
  return new Map(steps.map((step) => [step.nodeId, step]));
}
