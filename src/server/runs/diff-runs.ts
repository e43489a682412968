import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import type { RunStepDto } from "./contracts";
import { getRunDetail } from "./queries";

export type NodeDiff = {
  nodeId: string;
  /** `reused`: not executed by the re-run, the source's output stood in for it. */
  change: "changed" | "unchanged" | "reused" | "only_in_source" | "only_in_run";
  before: unknown;
  after: unknown;
};

export type RunDiffDto = { runId: string; sourceRunId: string; fromNodeId: string | null; nodes: NodeDiff[] };

/** Per-node output differences between a re-run and the run it was made from. */
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
  const before = byNode(source.steps);
  const after = byNode(run.steps);
  const nodeIds = [...new Set([...before.keys(), ...after.keys()])].sort();
  return {
    runId: run.id,
    sourceRunId: source.id,
    fromNodeId: run.fromNodeId,
    nodes: nodeIds.map((nodeId) => {
      const old = before.get(nodeId);
      const now = after.get(nodeId);
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
