import type { LanguageModel } from "ai";
import type { LlmProvider } from "@/engine";
import type { DatabaseOrTransaction } from "../db/client";
import { nodeFetch } from "../egress/node-fetch";
import { classifyLlmError } from "./classify-llm-error";
import { languageModel } from "./language-model";
import { resolveProviderAccess } from "./resolve-provider-access";

/**
 * One model call, for llm nodes and agent turns alike: the key (and base URL) resolved for this call
 * only, the AI SDK model built on it, a timeout signal, and whatever the call throws turned into a
 * NodeExecutionError with the key redacted. An endpoint named in a workspace credential is user input:
 * it gets the egress guard of workflow nodes; the deployment's own endpoint (env) is trusted, so an
 * internal vLLM can serve it.
 */
export async function withProviderModel<T>(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; fetch?: typeof fetch },
  call: { provider: LlmProvider; model: string; credential?: string; timeoutMs: number },
  work: (ctx: { model: LanguageModel; signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const access = await resolveProviderAccess(db, {
    workspaceId: args.workspaceId,
    provider: call.provider,
    ...(call.credential !== undefined && { credential: call.credential }),
  });
  const fetchImpl = args.fetch ?? (call.credential === undefined ? globalThis.fetch : nodeFetch());
  const signal = AbortSignal.timeout(call.timeoutMs);
  try {
    return await work({ model: languageModel(call.provider, call.model, access, fetchImpl), signal });
  } catch (thrown) {
    throw classifyLlmError(thrown, {
      target: `${call.provider} model "${call.model}"`,
      signal,
      timeoutMs: call.timeoutMs,
      secret: access.apiKey,
      now: new Date(),
    });
  }
}
