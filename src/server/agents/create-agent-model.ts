import { jsonSchema, type LanguageModel, type ModelMessage, streamText, type ToolSet, tool } from "ai";
import {
  type AgentMessage,
  type AgentModel,
  type AgentModelCall,
  type AgentTurnHooks,
  type AgentTurnResult,
  IDEMPOTENCY_KEY_HEADER,
} from "@/engine";
import type { DatabaseOrTransaction } from "../db/client";
import { withProviderModel } from "../llm/with-provider-model";

/**
 * An agent's model turns on the AI SDK, with the llm node's provider and credential resolution (a
 * credential's base URL goes through the egress guard). One `streamText` call per turn (its text goes
 * to `hooks.onText` as it arrives, for the run's live `token` events), with tools
 * that have no `execute`: the SDK hands back the calls the model asked for and runs nothing, so each
 * call can be its own durable step. The SDK also gives one message format for OpenAI-compatible and
 * Gemini endpoints, and reports a call to an unknown tool or with unparsable arguments as an
 * "invalid" call instead of throwing, which the engine sends back to the model.
 */
export function createAgentModel(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; fetch?: typeof fetch },
): AgentModel {
  return {
    turn: (call, hooks = {}) =>
      withProviderModel(db, args, call, ({ model, signal }) => turn(call, model, signal, hooks)),
  };
}

async function turn(
  call: AgentModelCall,
  model: LanguageModel,
  signal: AbortSignal,
  hooks: AgentTurnHooks,
): Promise<AgentTurnResult> {
  const tools: ToolSet = {};
  for (const spec of call.tools) {
    tools[spec.name] = tool({ description: spec.description, inputSchema: jsonSchema(spec.inputSchema) });
  }
  const result = streamText({
    model,
    ...(call.system !== undefined && { system: call.system }),
    messages: call.messages.flatMap(toModelMessages),
    ...(call.tools.length > 0 && { tools }),
    ...(call.temperature !== undefined && { temperature: call.temperature }),
    maxRetries: 0,
    abortSignal: signal,
    headers: { [IDEMPOTENCY_KEY_HEADER]: call.idempotencyKey },
    providerOptions: { openai: { strictJsonSchema: false } },
  });
  // streamText reports failures as stream parts, not by rejecting: the first one fails the turn.
  for await (const part of result.fullStream) {
    if (part.type === "error") throw part.error;
    if (part.type === "text-delta" && part.text !== "") await hooks.onText?.(part.text);
  }
  const [content, usage, response, text] = await Promise.all([
    result.content,
    result.usage,
    result.response,
    result.text,
  ]);
  return {
    text,
    // Invalid calls (unknown tool, unparsable arguments) are included: the engine answers them.
    toolCalls: content.flatMap((part) =>
      part.type === "tool-call"
        ? [{ callId: part.toolCallId, toolName: part.toolName, args: part.input ?? null }]
        : [],
    ),
    model: response.modelId || call.model,
    usage: { inputTokens: usage.inputTokens ?? null, outputTokens: usage.outputTokens ?? null },
  };
}

function toModelMessages(message: AgentMessage): ModelMessage[] {
  switch (message.role) {
    case "user":
      return [{ role: "user", content: message.text }];
    case "assistant":
      return [
        {
          role: "assistant",
          content: [
            ...(message.text === "" ? [] : [{ type: "text" as const, text: message.text }]),
            ...message.toolCalls.map((c) => ({
              type: "tool-call" as const,
              toolCallId: c.callId,
              toolName: c.toolName,
              input: c.args,
            })),
          ],
        },
      ];
    case "tool":
      return [
        {
          role: "tool",
          content: message.results.map((r) => ({
            type: "tool-result" as const,
            toolCallId: r.callId,
            toolName: r.toolName,
            output: r.isError
              ? {
                  type: "error-text" as const,
                  value: typeof r.output === "string" ? r.output : JSON.stringify(r.output),
                }
              : { type: "json" as const, value: (r.output ?? null) as never },
          })),
        },
      ];
  }
}
