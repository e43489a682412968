import type { LlmUsage } from "./llm-client";

/**
 * USD per million tokens (input, output), list prices of the providers' standard tiers. An estimate for
 * the run view, not a bill: cached input, batch discounts and long-context tiers are ignored.
 */
const PRICES_PER_MILLION: Readonly<Record<string, readonly [input: number, output: number]>> = {
  // OpenAI
  "gpt-4o": [2.5, 10],
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4.1": [2, 8],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1-nano": [0.1, 0.4],
  "gpt-5": [1.25, 10],
  "gpt-5-mini": [0.25, 2],
  "gpt-5-nano": [0.05, 0.4],
  o3: [2, 8],
  "o4-mini": [1.1, 4.4],
  // Google
  "gemini-2.5-pro": [1.25, 10],
  "gemini-2.5-flash": [0.3, 2.5],
  "gemini-2.5-flash-lite": [0.1, 0.4],
  "gemini-2.0-flash": [0.1, 0.4],
  "gemini-2.0-flash-lite": [0.075, 0.3],
  // Groq (OpenAI-compatible)
  "llama-3.1-8b-instant": [0.05, 0.08],
  "llama-3.3-70b-versatile": [0.59, 0.79],
};

/**
 * A model id as priced: providers answer with dated snapshots ("gpt-4o-mini-2024-07-18"), numbered
 * versions ("gemini-2.0-flash-001") or a "models/" prefix for the same price.
 */
function priceKey(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^models\//, "")
    .replace(/-(\d{4}-\d{2}-\d{2}|\d{3}|latest)$/, "");
}

/** Estimated cost of one call in USD; null for an unknown model or when the provider gave no counts. */
export function estimateCostUsd(model: string, usage: LlmUsage): number | null {
  const price = PRICES_PER_MILLION[priceKey(model)];
  if (price === undefined || usage.inputTokens === null || usage.outputTokens === null) return null;
  const cost = (usage.inputTokens * price[0] + usage.outputTokens * price[1]) / 1_000_000;
  // Rounded to a millionth of a cent: enough for sums, free of float noise like 0.00001500000002.
  return Math.round(cost * 1e8) / 1e8;
}
