import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import type { LlmProvider } from "@/engine";
import { assertNever } from "@/lib/errors";
import type { ProviderAccess } from "./resolve-provider-access";

// Explicit defaults: left undefined, the SDKs would fall back to OPENAI_BASE_URL and could send a
// credential's key to the endpoint the deployment's own key is meant for.
const DEFAULT_BASE_URL = {
  openai: "https://api.openai.com/v1",
  google: "https://generativelanguage.googleapis.com/v1beta",
} as const;

/**
 * The AI SDK model for one call. OpenAI goes through the Chat Completions API, which every
 * OpenAI-compatible server (Groq, Ollama, vLLM, LM Studio …) implements; the Responses API is OpenAI's own.
 */
export function languageModel(
  provider: LlmProvider,
  modelId: string,
  access: ProviderAccess,
  fetchImpl: typeof fetch,
): LanguageModel {
  const settings = {
    apiKey: access.apiKey,
    baseURL: access.baseUrl ?? DEFAULT_BASE_URL[provider],
    fetch: fetchImpl,
  };
  switch (provider) {
    case "openai":
      return createOpenAI(settings).chat(modelId);
    case "google":
      return createGoogleGenerativeAI(settings)(modelId);
    default:
      return assertNever(provider, "provider");
  }
}
