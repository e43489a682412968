import {
  type CallWarning,
  generateText,
  jsonSchema,
  type LanguageModelUsage,
  type ModelMessage,
  Output,
} from "ai";
import {
  IDEMPOTENCY_KEY_HEADER,
  type LlmClient,
  type LlmMessage,
  type LlmRequest,
  type LlmResult,
} from "@/engine";
import type { DatabaseOrTransaction } from "../db/client";
import { nodeFetch } from "../egress/node-fetch";
import { traceModelCall } from "../telemetry/node-span";
import { imageDownloader } from "./download-image";
import type { languageModel } from "./language-model";
import { withProviderModel } from "./with-provider-model";

// Warnings go to the run's own log (see answerMeta); the SDK would print them to the console as well.
globalThis.AI_SDK_LOG_WARNINGS = false;

/**
 * The LlmClient llm and vision nodes get, for one run's workspace, on the AI SDK. The API key is
 * resolved per call and lives only in this call's memory. The SDK's own retries are off: Inngest's
 * durable retries (with the step's backoff and Retry-After) are the only ones.
 */
export function createLlmClient(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; fetch?: typeof fetch },
): LlmClient {
  return {
    generate: (request) =>
      withProviderModel(db, args, request, ({ model, signal }) =>
        traceModelCall(request, () =>
          generate(request, {
            model,
            signal,
            // Image URLs come from templates, whatever the endpoint: always through the guard.
            download: imageDownloader(args.fetch ?? nodeFetch(), signal),
          }),
        ),
      ),
  };
}

async function generate(
  request: LlmRequest,
  call: {
    model: ReturnType<typeof languageModel>;
    signal: AbortSignal;
    download: ReturnType<typeof imageDownloader>;
  },
): Promise<LlmResult> {
  const settings = {
    model: call.model,
    ...(request.system !== undefined && { system: request.system }),
    messages: request.messages.map(toModelMessage),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxTokens !== undefined && { maxOutputTokens: request.maxTokens }),
    maxRetries: 0,
    abortSignal: call.signal,
    headers: { [IDEMPOTENCY_KEY_HEADER]: request.idempotencyKey },
    experimental_download: call.download,
    // Strict mode refuses most hand-written schemas (every property required, no extras); the engine
    // checks the answer against the schema itself.
    providerOptions: { openai: { strictJsonSchema: false } },
  };
  if (request.jsonSchema === undefined) {
    const result = await generateText(settings);
    return { kind: "text", text: result.text, ...answerMeta(result, request.model) };
  }
  const result = await generateText({
    ...settings,
    output: Output.object({ schema: jsonSchema(request.jsonSchema) }),
  });
  return { kind: "object", object: result.output, ...answerMeta(result, request.model) };
}

function answerMeta(
  result: { response: { modelId: string }; usage: LanguageModelUsage; warnings: CallWarning[] | undefined },
  requestedModel: string,
) {
  return {
    model: result.response.modelId || requestedModel,
    usage: { inputTokens: result.usage.inputTokens ?? null, outputTokens: result.usage.outputTokens ?? null },
    warnings: (result.warnings ?? []).map(describeWarning),
  };
}

function describeWarning(warning: CallWarning): string {
  if (warning.type === "other") return warning.message;
  return `${warning.type} ${warning.feature}${warning.details ? `: ${warning.details}` : ""}`;
}

function toModelMessage(message: LlmMessage): ModelMessage {
  return {
    role: message.role,
    content: message.content.map((part) =>
      part.type === "text" ? { type: "text", text: part.text } : { type: "image", image: part.url },
    ),
  };
}
