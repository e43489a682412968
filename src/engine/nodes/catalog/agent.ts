import { AgentConfigSchema } from "../agent/agent-config";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const AGENT_NODE: NodeCatalogEntry<"agent"> = {
  type: "agent",
  title: "Agent",
  description:
    "A model that calls tools (HTTP, SQL, MCP) in a loop until it answers; every turn and tool call is a durable step.",
  icon: "bot",
  configSchema: AgentConfigSchema,
  defaultConfig: {
    provider: "openai",
    model: "gpt-4o-mini",
    system: "You are a careful assistant. Use the tools when they help.",
    task: "{{ input.task }}",
    tools: [],
    limits: { maxTurns: 10, maxToolCalls: 50, timeoutMs: 900_000 },
    onLimit: "fail",
  },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
