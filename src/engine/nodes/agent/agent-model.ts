import type { LlmProvider, LlmUsage } from "../llm/llm-client";

/**
 * The capability an agent node's model turns go through. Like LlmClient it keeps provider SDKs out of
 * the engine: the server resolves the provider and credential and speaks HTTP. One call is one turn:
 * the model sees the conversation and the tools, and either answers or asks for tool calls; it never
 * runs a tool itself (the engine does, each call in a durable step of its own).
 */
export type AgentModel = {
  turn: (call: AgentModelCall, hooks?: AgentTurnHooks) => Promise<AgentTurnResult>;
};

/** Live progress of one turn: `onText` receives the answer's text as it is generated, in order. */
export type AgentTurnHooks = { onText?: (text: string) => Promise<void> };

/** A tool as the model sees it. */
export type AgentToolSpec = { name: string; description: string; inputSchema: Record<string, unknown> };

/** A tool call as the model asked for it. `args` is whatever it sent: an object, or unparsable text. */
export type AgentToolCall = { callId: string; toolName: string; args: unknown };

/** What a tool call came back with; `isError` results tell the model its call did not work. */
export type AgentToolResult = { callId: string; toolName: string; output: unknown; isError: boolean };

/** The conversation after the system prompt, in the engine's own terms (JSON: it is memoized). */
export type AgentMessage =
  | { role: "user"; text: string }
  | { role: "assistant"; text: string; toolCalls: AgentToolCall[] }
  | { role: "tool"; results: AgentToolResult[] };

export type AgentTurnRequest = {
  provider: LlmProvider;
  model: string;
  credential?: string;
  system?: string;
  messages: AgentMessage[];
  tools: AgentToolSpec[];
  temperature?: number;
  timeoutMs: number;
};

/** A turn as the server sends it: with the `Idempotency-Key` of the turn's step (same on every attempt). */
export type AgentModelCall = AgentTurnRequest & { idempotencyKey: string };

export type AgentTurnResult = {
  text: string;
  toolCalls: AgentToolCall[];
  /** The model that answered, as the provider names it. */
  model: string;
  usage: LlmUsage;
};
