import type { NodeDefinition } from "../node-definition";
import { callModel } from "./call-model";
import { LlmConfigSchema } from "./llm-config";

/**
 * llm: renders `system` and `prompt` over the run input and upstream outputs and calls a model through
 * `deps.llm` → `{ text }` (or `{ object }` with `jsonSchema`), plus `usage`, `model` and `costUsd`.
 */
export const llmNode: NodeDefinition<"llm"> = {
  type: "llm",
  title: "LLM",
  configSchema: LlmConfigSchema,
  defaultConfig: { provider: "openai", model: "gpt-4o-mini", prompt: "Summarize: {{ input.text }}" },
  sideEffect: "external",
  execute: (config, ctx) => callModel(config, ctx),
};
