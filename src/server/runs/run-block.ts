import { type GraphIndex, indexGraph, WorkflowGraphSchema } from "@/engine";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import type { RunTrigger } from "../db/schema";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";
import type { BlockRunBody, BlockRunResultDto } from "./contracts";
import { dispatchRunOrFail } from "./dispatch-run";
import { insertQueuedRun } from "./insert-queued-run";
import { getRunDetail } from "./queries";
import { isTerminalRunStatus } from "./statuses";
import { validateRunInput } from "./validate-run-input";
import { waitForRun } from "./wait-for-run";

export type BlockRunResult = { done: boolean; result: BlockRunResultDto };

/**
 * Runs one node of a workflow's current version alone, as a durable partial run
 * (scope "partial", `nodeIds` = [node]) executed by execute-run like any other,
 * with the given input and upstream outputs as what its templates read. Then
 * waits up to `waitMs` for it to finish: done → the node's output; still going
 * → the run id to poll.
 */
export async function runBlock(
  db: Database,
  args: {
    workspaceId: string;
    workflowId: string;
    nodeId: string;
    body: BlockRunBody;
    trigger: RunTrigger;
    waitMs: number;
    signal?: AbortSignal;
  },
): Promise<BlockRunResult> {
  const { workspaceId, workflowId, nodeId, body } = args;
  const { version } = await getWorkflowWithCurrentVersion(db, workspaceId, workflowId);
  const index = indexGraph(WorkflowGraphSchema.parse(version.graph));
  if (!index.nodesById.has(nodeId)) throw notFound(`Node ${nodeId} in the workflow's current version`);
  checkSeeds(index, nodeId, body.nodes);
  validateRunInput({ input: body.input, nodes: body.nodes }, null, getEnv().RUN_INPUT_MAX_BYTES);

  const run = await insertQueuedRun(db, version, {
    trigger: args.trigger,
    input: body.input,
    scope: "partial",
    fromNodeId: nodeId,
    nodeIds: [nodeId],
    seedOutputs: body.nodes,
    nodeCount: 1,
  });
  await dispatchRunOrFail(db, run);

  const status = await waitForRun(db, {
    workspaceId,
    runId: run.id,
    timeoutMs: args.waitMs,
    signal: args.signal,
  });
  if (!isTerminalRunStatus(status)) return { done: false, result: { runId: run.id, status } };
  const detail = await getRunDetail(db, workspaceId, run.id);
  return {
    done: true,
    result: {
      runId: run.id,
      status: detail.status,
      output: detail.output,
      error: detail.error,
      step: detail.steps.find((step) => step.nodeId === nodeId) ?? null,
    },
  };
}

/** Seeds stand in for upstream nodes; anything else could never be in the node's scope in a real run. */
function checkSeeds(index: GraphIndex, nodeId: string, seeds: Record<string, unknown>) {
  const upstream = new Set(index.ancestors.get(nodeId) ?? []);
  const strays = Object.keys(seeds).filter((id) => !upstream.has(id));
  if (strays.length === 0) return;
  throw new AppError(
    "validation_failed",
    `Invalid body: nodes.${strays[0]}: not a node upstream of ${nodeId}`,
    strays.map((id) => ({ path: ["body", "nodes", id], message: `not a node upstream of ${nodeId}` })),
  );
}
