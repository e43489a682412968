import type { WorkflowGraph, WorkflowNode } from "../graph/schema";
import { agentStepBudget } from "../nodes/agent/agent-step-budget";
import type { NodeType } from "../nodes/node-types";

/** Inngest's limit on the steps of one function run; a run that needs more fails at step 1,001. */
export const MAX_RUN_STEPS = 1_000;

/**
 * Steps the executor adds around the nodes: `start` and `finish`. (`mark-run-failed` runs in the
 * failure handler, a function run of its own.)
 */
export const RUN_OVERHEAD_STEPS = 2;

/**
 * Durable steps one node takes at most, by type. A retry re-runs the same step id and adds no step:
 * Inngest (and the local engine) count memoized step results, and a failed attempt memoizes nothing
 * (its final failure is memoized once, in place of its result).
 */
export const STEPS_PER_NODE: Readonly<Record<Exclude<NodeType, "agent">, number>> = {
  text: 1,
  transform: 1,
  condition: 1,
  http: 1,
  debug: 1,
  llm: 1,
  vision: 1,
  sql: 1,
  // delay-start, sleep, node
  delay: 3,
  // approval-request, approval (the wait), node
  approval: 3,
  // subrun-start, subrun (the invoke), node
  subworkflow: 3,
};

/** Durable steps one node takes at most; an agent node's depend on its limits. */
export function stepsOfNode(node: WorkflowNode): number {
  return node.type === "agent" ? agentStepBudget(node.data.config) : STEPS_PER_NODE[node.type];
}

/** The most steps a run of `graph` can take: every node executed (no branch skipped), plus start and finish. */
export function countRunSteps(graph: Pick<WorkflowGraph, "nodes">): number {
  return graph.nodes.reduce((total, node) => total + stepsOfNode(node), RUN_OVERHEAD_STEPS);
}
