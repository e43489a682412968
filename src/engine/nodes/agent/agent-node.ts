import { AGENT_NODE } from "../catalog/agent";
import type { NodeDefinition } from "../node-definition";
import { NodeExecutionError } from "../node-execution-error";
import { runAgentNode } from "./run-agent";

/**
 * agent: a model that calls tools in a loop → `{ text | object, stopReason, turns, usage, costUsd,
 * transcript }`. `orchestrate` runs it as durable steps (run-agent.ts) and never calls this executor;
 * it exists so the registry stays exhaustive and a misrouted call fails clearly.
 */
export const agentNode: NodeDefinition<"agent"> = {
  ...AGENT_NODE,
  sideEffect: "external",
  execute: async () => {
    throw new NodeExecutionError("Agent nodes are run by the orchestrator, not executed directly", {
      code: "not_executable",
      retriable: false,
    });
  },
  orchestrate: (node, ctx) => runAgentNode(node, ctx),
};
