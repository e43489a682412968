import type { AgentConfig } from "./agent-config";

/**
 * The most durable steps one agent node can take: start and node, one per model turn, and one per tool
 * call (three with approvals: request, wait, call). Counted at save against Inngest's 1,000 steps per
 * run, so limits that could not be honoured are refused up front rather than failing mid-run.
 */
export function agentStepBudget(config: AgentConfig): number {
  const perCall = config.tools.some((tool) => tool.requiresApproval) ? 3 : 1;
  return 2 + config.limits.maxTurns + config.limits.maxToolCalls * perCall;
}
