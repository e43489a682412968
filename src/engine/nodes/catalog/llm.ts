import { LlmConfigSchema } from "../llm/llm-config";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const LLM_NODE: NodeCatalogEntry<"llm"> = {
  type: "llm",
  title: "LLM",
  description: "Calls a language model with a templated prompt; text or structured output.",
  icon: "sparkles",
  configSchema: LlmConfigSchema,
  defaultConfig: { provider: "openai", model: "gpt-4o-mini", prompt: "Summarize: {{ input.text }}" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
