import { type Attributes, SpanKind } from "@opentelemetry/api";
import type { LlmProvider, LlmRequest, LlmResult, NodeUsage, WorkflowNode } from "@/engine";
import { recordFailure, tracer } from "./tracer";

/** How an attempt ended, as `stepwise.outcome` says it. */
export type NodeOutcome = "succeeded" | "failed" | "retrying" | "already_succeeded" | "run_over";

/** What the node step tells its span while it runs. */
export type NodeSpan = {
  /** Model usage of an llm or vision node (tokens, cost), as stored with the step. */
  usage: (usage: NodeUsage) => void;
  /** An outcome other than the one the result implies (a memoized success, a run already over). */
  outcome: (outcome: NodeOutcome) => void;
};

/** OpenTelemetry's GenAI name for each provider we call (gen_ai.provider.name). */
const GEN_AI_PROVIDER: Record<LlmProvider, string> = { openai: "openai", google: "gcp.gemini" };

const MODEL_NODE_TYPES = new Set(["llm", "vision", "agent"]);

/**
 * A `stepwise.node <type>` span around one attempt of one node: run, node, type, attempt and
 * outcome; for llm and vision nodes also the GenAI attributes with tokens and cost. A failed
 * attempt (final or to be retried) has error status and its code as `error.type`; the failure's
 * message stays out (it can quote a URL or an upstream answer).
 */
export async function traceNodeExecution<T>(
  args: { runId: string; node: WorkflowNode; attempt: number },
  work: (span: NodeSpan) => Promise<T>,
): Promise<T> {
  const { node } = args;
  const attributes: Attributes = {
    "stepwise.run.id": args.runId,
    "stepwise.node.id": node.id,
    "stepwise.node.type": node.type,
    "stepwise.attempt": args.attempt,
    ...(MODEL_NODE_TYPES.has(node.type) && modelRequestAttributes(node.data.config)),
  };
  return tracer().startActiveSpan(`stepwise.node ${node.type}`, { attributes }, async (span) => {
    let outcome: NodeOutcome | undefined;
    const handle: NodeSpan = {
      usage: (usage) => span.setAttributes(usageAttributes(usage)),
      outcome: (value) => {
        outcome = value;
      },
    };
    try {
      const result = await work(handle);
      span.setAttribute("stepwise.outcome", outcome ?? "succeeded");
      return result;
    } catch (error) {
      const failure = stepFailure(error);
      // Cancelled while queued: the node did not run, which is no failure of its own.
      if (failure.code === "run_over") span.setAttribute("stepwise.outcome", "run_over");
      else {
        span.setAttribute("stepwise.outcome", failure.outcome);
        recordFailure(span, error, failure.code);
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A `chat <model>` client span around one model call, with the GenAI request and usage attributes. */
export async function traceModelCall(
  request: LlmRequest,
  call: () => Promise<LlmResult>,
): Promise<LlmResult> {
  const attributes: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": GEN_AI_PROVIDER[request.provider],
    "gen_ai.request.model": request.model,
    "gen_ai.output.type": request.jsonSchema === undefined ? "text" : "json",
    ...(request.temperature !== undefined && { "gen_ai.request.temperature": request.temperature }),
    ...(request.maxTokens !== undefined && { "gen_ai.request.max_tokens": request.maxTokens }),
  };
  return tracer().startActiveSpan(
    `chat ${request.model}`,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      try {
        const result = await call();
        span.setAttributes({
          "gen_ai.response.model": result.model,
          ...tokenAttributes(result.usage),
        });
        return result;
      } catch (error) {
        recordFailure(span, error, stepFailure(error).code);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

function modelRequestAttributes(config: unknown): Attributes {
  const { provider, model } = (config ?? {}) as { provider?: unknown; model?: unknown };
  return {
    "gen_ai.operation.name": "chat",
    ...(typeof provider === "string" &&
      provider in GEN_AI_PROVIDER && { "gen_ai.provider.name": GEN_AI_PROVIDER[provider as LlmProvider] }),
    ...(typeof model === "string" && { "gen_ai.request.model": model }),
  };
}

function usageAttributes(usage: NodeUsage): Attributes {
  return {
    "gen_ai.response.model": usage.model,
    ...tokenAttributes(usage),
    ...(usage.costUsd !== null && { "stepwise.cost_usd": usage.costUsd }),
  };
}

function tokenAttributes(usage: { inputTokens: number | null; outputTokens: number | null }): Attributes {
  return {
    ...(usage.inputTokens !== null && { "gen_ai.usage.input_tokens": usage.inputTokens }),
    ...(usage.outputTokens !== null && { "gen_ai.usage.output_tokens": usage.outputTokens }),
  };
}

/** NodeStepError and NodeExecutionError both carry a code and whether another attempt follows. */
function stepFailure(error: unknown): { code: string | undefined; outcome: "failed" | "retrying" } {
  const { code, retriable } = (error ?? {}) as { code?: unknown; retriable?: unknown };
  return {
    code: typeof code === "string" ? code : undefined,
    outcome: retriable === true ? "retrying" : "failed",
  };
}
