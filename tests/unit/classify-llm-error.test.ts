import { APICallError, NoObjectGeneratedError } from "ai";
import { describe, expect, it } from "vitest";
import { NodeExecutionError } from "@/engine";
import { classifyLlmError } from "@/server/llm/classify-llm-error";

const SECRET = "sk-live-abcdef123456";
const live = new AbortController().signal;
const call = { target: 'openai model "m"', signal: live, timeoutMs: 1000, secret: SECRET, now: new Date(0) };

function apiError(statusCode: number | undefined, headers: Record<string, string> = {}, cause?: unknown) {
  return new APICallError({
    message: `Incorrect API key provided: ${SECRET}`,
    url: "https://llm.test/v1/chat/completions",
    requestBodyValues: {},
    ...(statusCode !== undefined && { statusCode }),
    responseHeaders: headers,
    cause,
  });
}

describe("classifyLlmError", () => {
  it("retries 429 and 5xx, preferring retry-after-ms over retry-after", () => {
    expect(classifyLlmError(apiError(429, { "retry-after": "7" }), call)).toMatchObject({
      code: "rate_limited",
      retriable: true,
      retryAfterMs: 7000,
    });
    expect(
      classifyLlmError(apiError(503, { "Retry-After": "7", "retry-after-ms": "1500.2" }), call),
    ).toMatchObject({ code: "provider_status", retriable: true, retryAfterMs: 1501 });
    expect(classifyLlmError(apiError(500), call).retryAfterMs).toBeUndefined();
  });

  it("fails other 4xx at once and never repeats the key a provider echoed", () => {
    const error = classifyLlmError(apiError(401), call);
    expect(error).toMatchObject({ code: "provider_status", retriable: false });
    expect(error.message).toContain("401");
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain("[redacted]");
  });

  it("retries network failures, but keeps the egress guard's refusal final", () => {
    expect(classifyLlmError(apiError(undefined), call)).toMatchObject({
      code: "network_error",
      retriable: true,
    });
    const blocked = new NodeExecutionError("private address", { code: "egress_blocked", retriable: false });
    expect(classifyLlmError(apiError(undefined, {}, blocked), call)).toBe(blocked);
  });

  it("calls an aborted call a retriable timeout and an unusable answer retriable", () => {
    const aborted = AbortSignal.abort();
    expect(classifyLlmError(new Error("aborted"), { ...call, signal: aborted })).toMatchObject({
      code: "timeout",
      retriable: true,
    });
    const noObject = new NoObjectGeneratedError({
      message: "no object",
      text: "not json",
      response: { id: "1", timestamp: new Date(0), modelId: "m" },
      usage: {
        inputTokens: 1,
        outputTokens: 1,
        totalTokens: 2,
        inputTokenDetails: { noCacheTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        outputTokenDetails: { textTokens: 1, reasoningTokens: 0 },
      },
      finishReason: "stop",
    });
    expect(classifyLlmError(noObject, call)).toMatchObject({ code: "invalid_model_output", retriable: true });
  });
});
