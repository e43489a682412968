import type { AgentConfig } from "./agent-config";

/**
 * The most durable steps one agent node can take: start and node, one per model turn, and one per tool
 * call (two more with approvals: request and wait; two more with workflow tools: start and invoke). Counted at save against Inngest's 1,000 steps per
 * run, so limits that could not be honoured are refused up front rather than failing mid-run.
 */
export function agentStepBudget(config: AgentConfig): number {
  const approvals = config.tools.some((tool) => tool.requiresApproval) ? 2 : 0;
  const children = config.tools.some((tool) => tool.kind === "workflow") ? 2 : 0;
  const perCall = 1 + approvals + children;
  return 2 + config.limits.maxTurns + config.limits.maxToolCalls * perCall;
}
