import { describe, expect, it } from "vitest";
import {
  estimateCostUsd,
  executeNode,
  idempotencyKeyFor,
  type LlmClient,
  type LlmRequest,
  type LlmResult,
  type NodeContext,
  NodeExecutionError,
  type NodeUsage,
  type RunScope,
  validateGraph,
} from "@/engine";
import { graph, node, nodeOf, testDeps } from "./fixtures";

const scope: RunScope = {
  input: { topic: "otters", img: "https://img.test/otter.png" },
  nodes: { up: { n: 3 } },
};

/** An LlmClient double that records requests and answers with `result`. */
function fakeClient(result: LlmResult | (() => never)) {
  const requests: LlmRequest[] = [];
  const client: LlmClient = {
    generate: async (request) => {
      requests.push(request);
      return typeof result === "function" ? result() : result;
    },
  };
  return { client, requests };
}

const textResult: LlmResult = {
  kind: "text",
  text: "Otters hold hands.",
  model: "gpt-4o-mini-2024-07-18",
  usage: { inputTokens: 1000, outputTokens: 500 },
};

function contextFor(type: "llm" | "vision", config: Record<string, unknown>, client?: LlmClient) {
  const usage: NodeUsage[] = [];
  const deps = testDeps({
    ...(client && { llm: client }),
    reportUsage: (reported) => usage.push(reported),
  });
  const ctx: NodeContext = {
    node: nodeOf(graph([node("ask", type, config)]), "ask"),
    scope,
    deps,
    runId: "run_9",
    attempt: 2,
  };
  return { ctx, usage };
}

async function failure(promise: Promise<unknown>): Promise<NodeExecutionError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof NodeExecutionError))
    throw new Error(`expected a NodeExecutionError, got ${String(error)}`);
  return error;
}

describe("llm node", () => {
  it("renders system and prompt, sends one request with the node's idempotency key and shapes the output", async () => {
    const { client, requests } = fakeClient(textResult);
    const { ctx, usage } = contextFor(
      "llm",
      {
        model: "gpt-4o-mini",
        credential: "groq-prod",
        system: "You write about {{ input.topic }}.",
        prompt: "Give {{ nodes.up.n }} facts.",
        temperature: 0.2,
        maxTokens: 100,
      },
      client,
    );
    const output = await executeNode(ctx);

    expect(requests).toEqual([
      {
        provider: "openai",
        model: "gpt-4o-mini",
        credential: "groq-prod",
        system: "You write about otters.",
        messages: [{ role: "user", content: [{ type: "text", text: "Give 3 facts." }] }],
        temperature: 0.2,
        maxTokens: 100,
        timeoutMs: 60_000,
        idempotencyKey: idempotencyKeyFor("run_9", "ask"),
      },
    ]);
    // 1000 × $0.15/M + 500 × $0.60/M
    expect(output).toEqual({
      text: "Otters hold hands.",
      usage: { inputTokens: 1000, outputTokens: 500 },
      model: "gpt-4o-mini-2024-07-18",
      costUsd: 0.00045,
    });
    expect(usage).toEqual([
      { model: "gpt-4o-mini-2024-07-18", inputTokens: 1000, outputTokens: 500, costUsd: 0.00045 },
    ]);
  });

  it("renders a templated model and refuses one that renders empty", async () => {
    const { client, requests } = fakeClient(textResult);
    await executeNode(contextFor("llm", { model: "{{ input.topic }}-model", prompt: "hi" }, client).ctx);
    expect(requests[0]?.model).toBe("otters-model");

    const error = await failure(
      executeNode(contextFor("llm", { model: "{{ input.nothing }}", prompt: "hi" }, client).ctx),
    );
    expect(error).toMatchObject({ code: "invalid_config", retriable: false });
    expect(error.message).toContain("config.model");
  });

  it("returns { object } for a JSON schema and retries an answer that does not match it", async () => {
    const jsonSchema = {
      type: "object",
      properties: { name: { type: "string" }, legs: { type: "integer" } },
      required: ["name", "legs"],
    };
    const good = fakeClient({
      kind: "object",
      object: { name: "otter", legs: 4 },
      model: "gemini-2.5-flash",
      usage: { inputTokens: 10, outputTokens: null },
    });
    const { ctx } = contextFor(
      "llm",
      { provider: "google", model: "gemini-2.5-flash", prompt: "x", jsonSchema },
      good.client,
    );
    expect(await executeNode(ctx)).toEqual({
      object: { name: "otter", legs: 4 },
      usage: { inputTokens: 10, outputTokens: null },
      model: "gemini-2.5-flash",
      costUsd: null,
    });
    expect(good.requests[0]?.jsonSchema).toEqual(jsonSchema);

    const bad = fakeClient({
      kind: "object",
      object: { name: "otter", legs: "four" },
      model: "m",
      usage: { inputTokens: 1, outputTokens: 1 },
    });
    const error = await failure(
      executeNode(contextFor("llm", { model: "m", prompt: "x", jsonSchema }, bad.client).ctx),
    );
    expect(error).toMatchObject({ code: "invalid_model_output", retriable: true });
    expect(error.message).toContain("legs");
  });

  it("passes the client's classified errors through unchanged", async () => {
    const limited = new NodeExecutionError("rate limited", {
      code: "rate_limited",
      retriable: true,
      retryAfterMs: 5000,
    });
    const { client } = fakeClient(() => {
      throw limited;
    });
    expect(await failure(executeNode(contextFor("llm", { model: "m", prompt: "x" }, client).ctx))).toBe(
      limited,
    );
  });

  it("logs what the provider ignored", async () => {
    const { client } = fakeClient({ ...textResult, warnings: ["unsupported temperature"] });
    const { ctx } = contextFor("llm", { model: "o3", prompt: "x", temperature: 1 }, client);
    await executeNode(ctx);
    expect((ctx.deps as ReturnType<typeof testDeps>).logs).toEqual([
      { level: "warn", message: "model: unsupported temperature" },
    ]);
  });

  it("fails without retry when no client is wired", async () => {
    const error = await failure(executeNode(contextFor("llm", { model: "m", prompt: "x" }).ctx));
    expect(error).toMatchObject({ code: "llm_unavailable", retriable: false });
  });

  it("rejects bad configs at save time, naming node and field", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ prompt: "x" }, "config.model"],
      [{ model: "m", prompt: "" }, "config.prompt"],
      [{ model: "m", prompt: "x", provider: "anthropic" }, "config.provider"],
      [{ model: "m", prompt: "x", temperature: 3 }, "config.temperature"],
      [{ model: "m", prompt: "x", maxTokens: 0 }, "config.maxTokens"],
      [{ model: "m", prompt: "x", credential: "no spaces" }, "config.credential"],
      [{ model: "m", prompt: "{{ ( }}" }, "config.prompt"],
      [{ model: "m", prompt: "x", jsonSchema: { type: "array" } }, "config.jsonSchema.type"],
    ];
    for (const [config, field] of cases) {
      const result = validateGraph({ nodes: [node("ask", "llm", config)], edges: [] });
      expect(result.ok, JSON.stringify(config)).toBe(false);
      if (!result.ok) expect(result.issues[0]?.message).toContain(`Node "ask": ${field}`);
    }
  });
});

describe("vision node", () => {
  it("sends the rendered image with the prompt", async () => {
    const { client, requests } = fakeClient(textResult);
    await executeNode(
      contextFor("vision", { model: "gpt-4o", prompt: "What is this?", image: "{{ input.img }}" }, client)
        .ctx,
    );
    expect(requests[0]?.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", url: "https://img.test/otter.png" },
        ],
      },
    ]);
  });

  it("refuses an image that is not an http(s) or image data URL, at save time and after rendering", async () => {
    const saved = validateGraph({
      nodes: [node("see", "vision", { model: "m", prompt: "x", image: "file:///etc/passwd" })],
      edges: [],
    });
    expect(saved.ok).toBe(false);
    if (!saved.ok) expect(saved.issues[0]?.message).toContain('Node "see": config.image');
    expect(
      validateGraph({
        nodes: [
          node("see", "vision", { model: "m", prompt: "x", image: "data:image/png;base64,iVBORw0KGgo=" }),
        ],
        edges: [],
      }).ok,
    ).toBe(true);

    const { client, requests } = fakeClient(textResult);
    const error = await failure(
      executeNode(contextFor("vision", { model: "m", prompt: "x", image: "{{ input.topic }}" }, client).ctx),
    );
    expect(error).toMatchObject({ code: "invalid_image", retriable: false });
    expect(requests).toHaveLength(0);
  });
});

describe("estimateCostUsd", () => {
  it("prices known models, dated snapshots included, and gives null for unknown models or counts", () => {
    expect(estimateCostUsd("gpt-4o", { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(12.5);
    expect(estimateCostUsd("models/gemini-2.0-flash-001", { inputTokens: 2_000_000, outputTokens: 0 })).toBe(
      0.2,
    );
    expect(estimateCostUsd("llama3.2", { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(estimateCostUsd("gpt-4o", { inputTokens: null, outputTokens: 10 })).toBeNull();
  });
});
