import { and, eq } from "drizzle-orm";
import { BRANCH_HANDLES, type GraphIndex, indexGraph, WorkflowGraphSchema } from "@/engine";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { type RunTrigger, runSteps, type WorkflowVersion, workflowVersions } from "../db/schema";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";
import type { RunAcceptedDto, StartRunBody } from "./contracts";
import { dispatchRunOrFail } from "./dispatch-run";
import { insertQueuedRun } from "./insert-queued-run";
import { getRunOrThrow } from "./queries";
import { storableOutput } from "./storable-output";
import { validateRunInput } from "./validate-run-input";

type RerunBody = StartRunBody & { fromNodeId: string; sourceRunId: string };

/**
 * Re-runs a workflow from one node: that node and everything downstream of it
 * execute again; every upstream node is not executed, its output in the source
 * run stands in for it. Pinned to the source run's version unless
 * `version: "latest"`. The input is the source run's unless the body gives one.
 * With `output`, the node itself is not executed either: the given value stands
 * in for its output (a seed like the upstream ones) and only its descendants run.
 */
export async function rerunFromNode(
  db: Database,
  args: {
    workspaceId: string;
    workflowId: string;
    body: RerunBody;
    trigger: RunTrigger;
    requestHash: string;
  },
): Promise<RunAcceptedDto> {
  const { workspaceId, workflowId, body } = args;
  const source = await getRunOrThrow(db, workspaceId, body.sourceRunId);
  if (source.workflowId !== workflowId) {
    throw new AppError("validation_failed", "sourceRunId is a run of another workflow", [
      { path: ["body", "sourceRunId"], message: "belongs to another workflow" },
    ]);
  }
  const version =
    body.version === "latest"
      ? (await getWorkflowWithCurrentVersion(db, workspaceId, workflowId)).version
      : await getVersionById(db, workspaceId, source.workflowVersionId);
  const index = indexGraph(WorkflowGraphSchema.parse(version.graph));
  if (!index.nodesById.has(body.fromNodeId)) {
    throw new AppError("validation_failed", `Node ${body.fromNodeId} is not in version ${version.version}`, [
      {
        path: ["body", "fromNodeId"],
        message: `not a node of version ${version.version}`,
        nodeId: body.fromNodeId,
      },
    ]);
  }

  const withFrom = withDescendants(index, body.fromNodeId);
  const maxBytes = getEnv().RUN_INPUT_MAX_BYTES;
  const edited =
    body.output === undefined ? undefined : editedOutput(index, body.fromNodeId, body.output, maxBytes);
  const nodeIds = edited === undefined ? withFrom : withFrom.filter((id) => id !== body.fromNodeId);
  const input = Object.keys(body.input).length > 0 ? body.input : (source.input as Record<string, unknown>);
  validateRunInput(input, version.inputSchema ?? null, maxBytes);
  const seedOutputs = await upstreamOutputs(db, workspaceId, source.id, index, withFrom);
  if (edited !== undefined) seedOutputs[body.fromNodeId] = edited.value;

  const run = await insertQueuedRun(db, version, {
    trigger: "rerun",
    input,
    scope: "partial",
    fromNodeId: body.fromNodeId,
    sourceRunId: source.id,
    nodeIds,
    seedOutputs,
    nodeCount: nodeIds.length,
    idempotencyKey: body.idempotencyKey ?? null,
    requestHash: args.requestHash,
  });
  await dispatchRunOrFail(db, run);
  return { runId: run.id, status: "queued" };
}

/**
 * The output given for the re-run's first node, checked: it must lead somewhere (a node with no
 * descendants would leave nothing to run), it must not be a branching node's (its output picks the
 * path, which a partial run does not re-plan), and it is bounded like a run input, since it is kept
 * inline with the run.
 */
function editedOutput(index: GraphIndex, nodeId: string, output: unknown, maxBytes: number) {
  const refuse = (message: string) =>
    new AppError("validation_failed", `body.output: ${message}`, [
      { path: ["body", "output"], message, nodeId },
    ]);
  if ((index.outgoing.get(nodeId) ?? []).length === 0) {
    throw refuse(`node ${nodeId} has no downstream nodes, so an edited output would run nothing`);
  }
  const type = index.nodesById.get(nodeId)?.type;
  if (type !== undefined && BRANCH_HANDLES[type] !== undefined) {
    throw refuse(`node ${nodeId} picks a branch with its output; re-run from it without an output instead`);
  }
  const sizeBytes = Buffer.byteLength(JSON.stringify(output));
  if (sizeBytes > maxBytes) {
    throw new AppError(
      "payload_too_large",
      `body.output is ${sizeBytes} bytes; the limit for an edited output is ${maxBytes} bytes`,
    );
  }
  return storableOutput(output);
}

async function getVersionById(
  db: Database,
  workspaceId: string,
  versionId: string,
): Promise<WorkflowVersion> {
  const [version] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.id, versionId), eq(workflowVersions.workspaceId, workspaceId)));
  if (!version) throw notFound("Workflow version");
  return version;
}

function withDescendants(index: GraphIndex, nodeId: string): string[] {
  const found = new Set([nodeId]);
  const queue = [nodeId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const edge of index.outgoing.get(id) ?? []) {
      if (!found.has(edge.target)) {
        found.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return index.order.filter((id) => found.has(id));
}

/** The source run's outputs of every succeeded node upstream of what re-runs (references stay references). */
async function upstreamOutputs(
  db: Database,
  workspaceId: string,
  sourceRunId: string,
  index: GraphIndex,
  nodeIds: string[],
): Promise<Record<string, unknown>> {
  const rerun = new Set(nodeIds);
  const upstream = new Set(
    nodeIds.flatMap((id) => index.ancestors.get(id) ?? []).filter((id) => !rerun.has(id)),
  );
  const steps = await db
    .select({ nodeId: runSteps.nodeId, output: runSteps.output })
    .from(runSteps)
    .where(
      and(
        eq(runSteps.runId, sourceRunId),
        eq(runSteps.workspaceId, workspaceId),
        eq(runSteps.status, "succeeded"),
      ),
    );
  return Object.fromEntries(
    steps.filter((step) => upstream.has(step.nodeId)).map((step) => [step.nodeId, step.output]),
  );
}
