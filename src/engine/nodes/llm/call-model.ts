import { idempotencyKeyFor } from "../idempotency-key";
import type { NodeContext } from "../node-definition";
import { NodeExecutionError } from "../node-execution-error";
import { renderField } from "../shared";
import type { LlmContentPart, LlmRequest, LlmUsage } from "./llm-client";
import { compileJsonSchema, type LlmConfig } from "./llm-config";
import { estimateCostUsd } from "./pricing";

/** What llm and vision nodes return. */
export type LlmOutput = ({ text: string } | { object: unknown }) & {
  usage: LlmUsage;
  model: string;
  /** Estimate from the engine's price table; null for a model it does not know. */
  costUsd: number | null;
};

/**
 * The body of llm and vision nodes: render the templates, call the injected client with this node's
 * idempotency key, check a structured answer against the schema, report usage and shape the output.
 */
export async function callModel(
  config: LlmConfig,
  ctx: NodeContext,
  images: readonly string[] = [],
): Promise<LlmOutput> {
  const client = ctx.deps.llm;
  if (client === undefined) {
    throw new NodeExecutionError(`Node "${ctx.node.id}": no model client is configured for this run`, {
      code: "llm_unavailable",
      retriable: false,
    });
  }
  const model = (await renderField("model", config.model, ctx.scope)).trim();
  if (model === "") {
    throw new NodeExecutionError("config.model: the model rendered to an empty string", {
      code: "invalid_config",
      retriable: false,
    });
  }
  const system = config.system === undefined ? "" : await renderField("system", config.system, ctx.scope);
  const prompt = await renderField("prompt", config.prompt, ctx.scope);
  const content: LlmContentPart[] = [
    { type: "text", text: prompt },
    ...images.map((url): LlmContentPart => ({ type: "image", url })),
  ];

  const request: LlmRequest = {
    provider: config.provider,
    model,
    messages: [{ role: "user", content }],
    timeoutMs: config.timeoutMs,
    idempotencyKey: idempotencyKeyFor(ctx.runId, ctx.node.id),
    ...(config.credential !== undefined && { credential: config.credential }),
    ...(system.trim() !== "" && { system }),
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    ...(config.maxTokens !== undefined && { maxTokens: config.maxTokens }),
    ...(config.jsonSchema !== undefined && { jsonSchema: config.jsonSchema }),
  };
  const result = await client.generate(request);
  for (const warning of result.warnings ?? []) ctx.deps.log({ level: "warn", message: `model: ${warning}` });

  const costUsd = estimateCostUsd(result.model, result.usage);
  ctx.deps.reportUsage?.({ model: result.model, ...result.usage, costUsd });
  const shared = { usage: result.usage, model: result.model, costUsd };
  if (result.kind === "text") return { text: result.text, ...shared };
  if (config.jsonSchema !== undefined) checkObject(result.object, config.jsonSchema);
  return { object: result.object, ...shared };
}

/**
 * Providers do not all enforce a schema strictly (OpenAI-compatible servers vary), so the answer is
 * checked here. A mismatch is retriable: another sample from the model may well conform.
 */
function checkObject(object: unknown, jsonSchema: Record<string, unknown>): void {
  const parsed = compileJsonSchema(jsonSchema).schema?.safeParse(object);
  if (parsed === undefined || parsed.success) return;
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join(".")}: ` : "";
  throw new NodeExecutionError(
    `The model's answer does not match config.jsonSchema: ${where}${first?.message ?? "invalid"}`,
    {
      code: "invalid_model_output",
      retriable: true,
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    },
  );
}
