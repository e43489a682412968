import { LLM_NODE } from "../catalog/llm";
import type { NodeDefinition } from "../node-definition";
import { callModel } from "./call-model";

/**
 * llm: renders `system` and `prompt` over the run input and upstream outputs and calls a model through
 * `deps.llm` → `{ text }` (or `{ object }` with `jsonSchema`), plus `usage`, `model` and `costUsd`.
 */
export const llmNode: NodeDefinition<"llm"> = {
  ...LLM_NODE,
  sideEffect: "external",
  execute: (config, ctx) => callModel(config, ctx),
};
