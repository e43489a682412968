import type { RunScope } from "../expressions/run-scope";
import { indexGraph } from "../graph/graph-index";
import type { WorkflowGraph, WorkflowNode } from "../graph/schema";
import { delayMsOf } from "../nodes/delay-node";
import { planNext } from "./plan-next";
import { delayStartIdFor, type NodeEffects, runApprovalNode, runSubworkflowNode } from "./run-wait-nodes";
import { type StepRunner, sleepIdFor, stepIdFor } from "./step-runner";

/** How a run ended. `outputs` holds every completed node's output, by node id. */
export type RunOutcome =
  | {
      status: "succeeded";
      outputs: Record<string, unknown>;
      skipped: string[];
      output: unknown;
      /** Nodes that failed for good but have `continueOnError`: the run went on without them. */
      failedNodes: FailedNode[];
    }
  | {
      status: "failed";
      outputs: Record<string, unknown>;
      skipped: string[];
      failedNodeId: string;
      error: { message: string; code?: string };
    };

export type FailedNode = { nodeId: string; error: { message: string; code?: string } };

export type RunWorkflowArgs = {
  /** A graph accepted by `validateGraph` (acyclic; a cyclic graph makes runWorkflow throw). */
  graph: WorkflowGraph;
  input: unknown;
  runner: StepRunner;
  /**
   * Called inside `runner.run("node:<id>", …)` for each ready node with the node's scope (the run input
   * and its completed ancestors' outputs). Persists and executes the node, returns its output.
   */
  runNode: (node: WorkflowNode, scope: RunScope) => Promise<unknown>;
  /**
   * Outputs of nodes the run does not execute (a partial run's upstream, given by the caller). Every
   * node sees them under `nodes.<id>`; a node's own completed ancestors win over a seed of the same id.
   */
  seedOutputs?: Readonly<Record<string, unknown>>;
  /** What approval and sub-workflow nodes write around their waits; such a node fails without it. */
  effects?: NodeEffects;
};

/**
 * Runs a workflow to completion over a durable step runner: plan, run every ready node in parallel
 * (a delay node records its start, then sleeps durably), record outputs, repeat. Stops at the first
 * round with a failure and reports the first failed node in plan order. On success `output` is the
 * output of the only completed sink node, or a record of the completed sinks' outputs by id.
 */
export async function runWorkflow(args: RunWorkflowArgs): Promise<RunOutcome> {
  const { graph, input, runner, runNode, seedOutputs, effects } = args;
  const index = indexGraph(graph);
  const completed = new Map<string, unknown>();
  const skipped = new Set<string>();
  const skippedInOrder: string[] = [];
  /** Continue-on-error failures: settled for the planner (as if completed), invisible to dependents. */
  const softFailed: FailedNode[] = [];
  const softFailedIds = new Set<string>();

  const scopeFor = (node: WorkflowNode): RunScope => {
    const nodes: Record<string, unknown> = { ...seedOutputs };
    for (const id of index.ancestors.get(node.id) ?? []) {
      if (completed.has(id) && !softFailedIds.has(id)) nodes[id] = completed.get(id);
    }
    return { input, nodes };
  };

  const runOne = async (node: WorkflowNode): Promise<unknown> => {
    if (node.type === "delay") {
      // An unreadable duration skips the sleep; the node's own step then fails with the config error.
      const ms = delayMsOf(node.data.config);
      if (ms !== null) {
        // A sleep can write nothing, so the node's start (running, its start time) is its own step.
        // A run that was asleep or past the sleep when this step was added meets it as a new step on
        // replay and runs it then: a node still pending starts at that moment (its sleep's length is
        // lost, as it was before), one that already ran is left alone.
        if (effects) await runner.run(delayStartIdFor(node.id), () => effects.startDelay(node));
        await runner.sleep(sleepIdFor(node.id), ms);
      }
    }
    const scope = scopeFor(node);
    // These wait on a person or a child run: several durable steps around a wait, not one node step.
    if (node.type === "approval") return runApprovalNode(node, scope, runner, effects);
    if (node.type === "subworkflow") return runSubworkflowNode(node, scope, runner, effects);
    return runner.run(stepIdFor(node.id), () => runNode(node, scope));
  };

  for (;;) {
    const plan = planNext(graph, { completed, skipped });
    for (const id of plan.skip) {
      skipped.add(id);
      skippedInOrder.push(id);
    }
    if (plan.done) break;

    const settled = await Promise.allSettled(plan.ready.map(runOne));
    let failure: { node: WorkflowNode; reason: unknown } | undefined;
    plan.ready.forEach((node, i) => {
      const result = settled[i];
      if (result?.status === "fulfilled") completed.set(node.id, result.value);
      else if (node.data.settings?.continueOnError) {
        completed.set(node.id, undefined);
        softFailedIds.add(node.id);
        softFailed.push({ nodeId: node.id, error: describeError(result?.reason) });
      } else failure ??= { node, reason: result?.reason };
    });
    if (failure !== undefined) {
      return {
        status: "failed",
        outputs: Object.fromEntries(completed),
        skipped: skippedInOrder,
        failedNodeId: failure.node.id,
        error: describeError(failure.reason),
      };
    }
  }

  const stuck = graph.nodes.filter((node) => !completed.has(node.id) && !skipped.has(node.id));
  if (stuck.length > 0) {
    throw new Error(
      `Workflow cannot finish: ${stuck.map((node) => `"${node.id}"`).join(", ")} never became ready (validate the graph first; cycles are not allowed)`,
    );
  }
  const succeeded = new Map([...completed].filter(([id]) => !softFailedIds.has(id)));
  return {
    status: "succeeded",
    outputs: Object.fromEntries(succeeded),
    skipped: skippedInOrder,
    output: sinkOutput(index.order, index.outgoing, succeeded),
    failedNodes: softFailed,
  };
}

function sinkOutput(
  order: readonly string[],
  outgoing: ReadonlyMap<string, readonly unknown[]>,
  completed: ReadonlyMap<string, unknown>,
): unknown {
  const sinks = order.filter((id) => (outgoing.get(id)?.length ?? 0) === 0 && completed.has(id));
  const only = sinks.length === 1 ? sinks[0] : undefined;
  if (only !== undefined) return completed.get(only);
  return Object.fromEntries(sinks.map((id) => [id, completed.get(id)]));
}

/** Runners wrap errors differently (Inngest's StepError, plain Error, serialized objects). */
function describeError(reason: unknown): { message: string; code?: string } {
  const message =
    reason instanceof Error
      ? reason.message
      : typeof reason === "object" &&
          reason !== null &&
          "message" in reason &&
          typeof reason.message === "string"
        ? reason.message
        : String(reason);
  const code =
    typeof reason === "object" && reason !== null && "code" in reason && typeof reason.code === "string"
      ? reason.code
      : undefined;
  return code === undefined ? { message } : { message, code };
}
