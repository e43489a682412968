import type { RunScope } from "../expressions/run-scope";
import { indexGraph } from "../graph/graph-index";
import type { WorkflowGraph, WorkflowNode } from "../graph/schema";
import type { OrchestrationContext } from "../nodes/node-definition";
import { isNodeType } from "../nodes/node-types";
import { nodeRegistry } from "../nodes/registry";
import { planNext } from "./plan-next";
import type { NodeEffects } from "./run-wait-nodes";
import { type StepRunner, stepIdFor } from "./step-runner";

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
 * Runs a workflow to completion over a durable step runner. Every branch runs on its own: a node
 * starts as soon as all of its own parents have settled (completed, skipped, or failed with
 * `continueOnError`), so a slow node or a long wait holds back only its descendants, never a
 * parallel branch. A fan-in waits for every parent; a condition's untaken branch is skipped. Nodes
 * that wait (delay, approval, sub-workflow) run the durable steps their definition orchestrates;
 * every other node is one `node:<id>` step.
 *
 * After a failure no further node starts; the nodes already running settle first, then the run
 * reports the first failed node in topological order (deterministic however the steps interleaved).
 * On success `output` is the output of the only completed sink node, or a record of the completed
 * sinks' outputs by id.
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
  const failures = new Map<string, unknown>();
  /** Started and not settled: the planner must neither start them again nor start their children. */
  const running = new Map<string, Promise<void>>();

  const scopeFor = (node: WorkflowNode): RunScope => {
    const nodes: Record<string, unknown> = { ...seedOutputs };
    for (const id of index.ancestors.get(node.id) ?? []) {
      if (completed.has(id) && !softFailedIds.has(id)) nodes[id] = completed.get(id);
    }
    return { input, nodes };
  };

  const execute = (node: WorkflowNode, steps: StepRunner): Promise<unknown> => {
    const runStep = () => steps.run(stepIdFor(node.id), () => runNode(node, scopeFor(node)));
    const orchestrate = orchestrationOf(node);
    if (orchestrate === undefined) return runStep();
    return orchestrate(node, { runner: steps, scope: () => scopeFor(node), runStep, effects });
  };

  const settle = (node: WorkflowNode, result: PromiseSettledResult<unknown>) => {
    running.delete(node.id);
    if (result.status === "fulfilled") completed.set(node.id, result.value);
    else if (node.data.settings?.continueOnError) {
      completed.set(node.id, undefined);
      softFailedIds.add(node.id);
      softFailed.push({ nodeId: node.id, error: describeError(result.reason) });
    } else failures.set(node.id, result.reason);
  };

  for (;;) {
    if (failures.size === 0) {
      const plan = planNext(graph, { completed, skipped, failed: new Set(running.keys()) });
      for (const id of plan.skip) {
        skipped.add(id);
        skippedInOrder.push(id);
      }
      // A node that starts while others run (or with siblings) is on a branch of its own. Nothing else
      // can start while a lone node runs: new nodes start only when one settles.
      const steps = running.size + plan.ready.length > 1 ? (runner.concurrent ?? runner) : runner;
      for (const node of plan.ready) {
        running.set(
          node.id,
          execute(node, steps).then(
            (value) => settle(node, { status: "fulfilled", value }),
            (reason: unknown) => settle(node, { status: "rejected", reason }),
          ),
        );
      }
    }
    if (running.size === 0) break;
    // Whichever node settles first lets its own children start; the others keep running.
    await Promise.race(running.values());
  }

  const firstFailed = index.order.find((id) => failures.has(id));
  if (firstFailed !== undefined) {
    return {
      status: "failed",
      outputs: Object.fromEntries(completed),
      skipped: skippedInOrder,
      failedNodeId: firstFailed,
      error: describeError(failures.get(firstFailed)),
    };
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

/** The node type's own orchestration of its durable steps, when it waits on something. */
function orchestrationOf(
  node: WorkflowNode,
): ((node: WorkflowNode, ctx: OrchestrationContext) => Promise<unknown>) | undefined {
  const type: string = node.type;
  if (!isNodeType(type)) return undefined;
  // The registry is exhaustive per type; the node passed is always of the definition's own type.
  return nodeRegistry[type].orchestrate as
    | ((node: WorkflowNode, ctx: OrchestrationContext) => Promise<unknown>)
    | undefined;
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
