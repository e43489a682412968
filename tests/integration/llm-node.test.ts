import { eq } from "drizzle-orm";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";

/**
 * llm and vision nodes end to end: real routes → local engine → /api/inngest → the AI SDK, with msw
 * standing in for the providers at their HTTP boundary (nothing else is mocked). The app runs in this
 * process, so msw's patched fetch is the one the SDK calls.
 */

// Read lazily by the app on first use, so set before the stack starts.
const ENV_KEY = "sk-env-SECRET-7f3a9";
process.env.OPENAI_API_KEY = ENV_KEY;
process.env.OPENAI_BASE_URL = "https://env-llm.test/v1";
delete process.env.GOOGLE_GENERATIVE_AI_API_KEY;

type Call = { url: string; headers: Headers; body: Record<string, unknown> };
type Reply = () => Response | Promise<Response>;

const calls: Call[] = [];
/** What the fake provider answers, call by call; an unexpected call gets a 418. */
let script: Reply[] = [];

function fakeEndpoint(url: RegExp) {
  return http.post(url, async ({ request }) => {
    calls.push({
      url: request.url,
      headers: request.headers,
      body: (await request.json()) as Record<string, unknown>,
    });
    return (script.shift() ?? (() => HttpResponse.json({ error: "unexpected call" }, { status: 418 })))();
  });
}

const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
const mswServer = setupServer(
  fakeEndpoint(/^https:\/\/(env-)?llm\.test\/v1\/chat\/completions$/),
  fakeEndpoint(/^https:\/\/gemini\.test\/v1beta\/models\/[^/]+:generateContent$/),
  http.get(
    "https://img.test/otter.png",
    () => new HttpResponse(PNG, { headers: { "content-type": "image/png" } }),
  ),
  http.get("https://img.test/missing.png", () => new HttpResponse(null, { status: 404 })),
);

/** One provider as the tests drive it: how it answers and where it keeps what we sent. */
type Fake = {
  provider: "openai" | "google";
  credential: string;
  secret: string;
  baseUrl: string;
  model: string;
  /** A model whose image URLs the SDK downloads itself (through our downloader). */
  visionModel: string;
  text: (text: string) => Response;
  keyOf: (call: Call) => string | null;
  /** What the provider was asked, in common terms. */
  read: (call: Call) => {
    model: string;
    system: unknown;
    prompt: unknown;
    temperature: unknown;
    maxTokens: unknown;
  };
};

const openai: Fake = {
  provider: "openai",
  credential: "fake-openai",
  secret: "sk-test-SECRET-a1b2c3",
  baseUrl: "https://llm.test/v1",
  model: "gpt-4o-mini",
  visionModel: "gpt-4o",
  text: (text) =>
    HttpResponse.json({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-mini-2024-07-18",
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
    }),
  keyOf: (call) => call.headers.get("authorization"),
  read: (call) => {
    const messages = call.body.messages as Array<{ role: string; content: unknown }>;
    return {
      model: String(call.body.model),
      system: messages.find((m) => m.role === "system")?.content,
      prompt: messages.find((m) => m.role === "user")?.content,
      temperature: call.body.temperature,
      maxTokens: call.body.max_tokens,
    };
  },
};

const google: Fake = {
  provider: "google",
  credential: "fake-google",
  secret: "g-test-SECRET-d4e5f6",
  baseUrl: "https://gemini.test/v1beta",
  model: "gemini-2.5-flash",
  visionModel: "gemini-2.0-flash",
  text: (text) =>
    HttpResponse.json({
      candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 300, totalTokenCount: 1500 },
      modelVersion: "gemini-2.5-flash",
    }),
  keyOf: (call) => call.headers.get("x-goog-api-key"),
  read: (call) => {
    const contents = call.body.contents as Array<{ parts: Array<{ text?: string }> }>;
    const config = call.body.generationConfig as Record<string, unknown>;
    const system = call.body.systemInstruction as { parts: Array<{ text: string }> } | undefined;
    return {
      model: /models\/([^:]+):/.exec(call.url)?.[1] ?? "",
      system: system?.parts[0]?.text,
      prompt: contents[0]?.parts[0]?.text,
      temperature: config.temperature,
      maxTokens: config.maxOutputTokens,
    };
  },
};

/** Output of a model JSON answer in each provider's shape. */
function jsonAnswer(fake: Fake, value: unknown): Response {
  return fake.text(JSON.stringify(value));
}

/** An error answer both providers' error parsers read (OpenAI wants `type`, Google `status`). */
function status(code: number, headers: Record<string, string> = {}, message = `status ${code}`): Reply {
  return () =>
    HttpResponse.json(
      { error: { message, code, status: "ERROR", type: "error" } },
      { status: code, headers },
    );
}

type RunBody = {
  status: string;
  error: { message: string; code?: string; nodeId?: string } | null;
  steps: Array<{ nodeId: string; status: string; attempt: number; output: unknown }>;
};

describe("llm and vision nodes", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });

  beforeAll(async () => {
    mswServer.listen({ onUnhandledRequest: "bypass" });
    for (const fake of [openai, google]) {
      const created = await stack().api("POST", "/api/credentials", {
        name: fake.credential,
        kind: fake.provider,
        secret: fake.secret,
        metadata: { baseUrl: fake.baseUrl },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  });
  afterAll(() => mswServer.close());
  beforeEach(() => {
    calls.length = 0;
    script = [];
  });

  async function startRun(graph: unknown): Promise<string> {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "llm", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      input: { topic: "otters" },
    });
    expect(started.status).toBe(202);
    return started.body.runId;
  }

  async function getRun(runId: string) {
    const answer = await stack().api<RunBody>("GET", `/api/runs/${runId}`);
    return { run: answer.body, raw: JSON.stringify(answer.body) };
  }

  async function stepRow(runId: string, nodeId: string) {
    const { getDb } = await import("@/server/db/client");
    const { runSteps } = await import("@/server/db/schema");
    const rows = await (await getDb()).select().from(runSteps).where(eq(runSteps.runId, runId));
    const row = rows.find((r) => r.nodeId === nodeId);
    if (!row) throw new Error(`no step row for ${nodeId}`);
    return row;
  }

  async function events(runId: string) {
    const { getDb } = await import("@/server/db/client");
    const { listRunEvents } = await import("@/server/runs/queries");
    const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
    return listRunEvents(await getDb(), LOCAL_WORKSPACE_ID, runId);
  }

  function llm(fake: Fake, extra: Record<string, unknown> = {}) {
    return {
      nodes: [
        node("ask", "llm", {
          provider: fake.provider,
          model: fake.model,
          credential: fake.credential,
          system: "You write about {{ input.topic }}.",
          prompt: "Three facts about {{ input.topic }}, please.",
          temperature: 0.3,
          maxTokens: 256,
          ...extra,
        }),
      ],
      edges: [],
    };
  }

  describe.each([openai, google])("$provider", (fake) => {
    it("sends the rendered request with the idempotency key; records output, usage and cost", async () => {
      script = [() => fake.text("Otters hold hands while sleeping.")];
      const runId = await startRun(llm(fake));
      await stack().engine.drain();

      const { run, raw } = await getRun(runId);
      expect(run.status, raw).toBe("succeeded");
      expect(calls).toHaveLength(1);
      const call = calls[0] as Call;
      expect(fake.read(call)).toEqual({
        model: fake.model,
        system: "You write about otters.",
        prompt: "Three facts about otters, please.",
        temperature: 0.3,
        maxTokens: 256,
      });
      expect(call.headers.get("idempotency-key")).toBe(`stepwise-${runId}-ask`);
      expect(fake.keyOf(call)).toContain(fake.secret);

      // 1200 input and 300 output tokens at the model's list price.
      const cost = fake.provider === "openai" ? 0.00036 : 0.00111;
      const model = fake.provider === "openai" ? "gpt-4o-mini-2024-07-18" : "gemini-2.5-flash";
      expect(run.steps[0]?.output).toEqual({
        text: "Otters hold hands while sleeping.",
        usage: { inputTokens: 1200, outputTokens: 300 },
        model,
        costUsd: cost,
      });
      const row = await stepRow(runId, "ask");
      expect(row).toMatchObject({ model, tokensIn: 1200, tokensOut: 300, costUsd: cost });

      // The key was decrypted for the call and nowhere else.
      expect(raw).not.toContain(fake.secret);
      expect(JSON.stringify(await events(runId))).not.toContain(fake.secret);
      expect(JSON.stringify(row)).not.toContain(fake.secret);
    });

    it("retries a 429 after the advertised Retry-After, with the same idempotency key", async () => {
      script = [status(429, { "retry-after": "30" }), () => fake.text("late but fine")];
      const runId = await startRun(llm(fake));
      await stack().engine.settle();
      expect(calls).toHaveLength(1);
      expect((await getRun(runId)).run.status).toBe("running");

      await stack().engine.clock.advance(29_000);
      expect(calls).toHaveLength(1);
      await stack().engine.clock.advance(1_000);
      await stack().engine.drain();

      const { run } = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(run.steps[0]).toMatchObject({ attempt: 1, output: { text: "late but fine" } });
      expect(calls).toHaveLength(2);
      expect(new Set(calls.map((c) => c.headers.get("idempotency-key")))).toEqual(
        new Set([`stepwise-${runId}-ask`]),
      );
      const failed = (await events(runId)).filter((e) => e.type === "step.failed");
      expect(failed.map((e) => e.data)).toMatchObject([
        { attempt: 0, willRetry: true, error: { code: "rate_limited", retriable: true } },
      ]);
    });

    it("retries a 500", async () => {
      script = [status(500), () => fake.text("recovered")];
      const runId = await startRun(llm(fake));
      await stack().engine.drain();
      const { run } = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(run.steps[0]).toMatchObject({ attempt: 1, output: { text: "recovered" } });
      expect(calls).toHaveLength(2);
    });

    it("fails at once on a 400, without echoing the key the provider quoted back", async () => {
      script = [status(400, {}, `Invalid request; key ${fake.secret} is fine but max_tokens is not`)];
      const runId = await startRun(llm(fake));
      await stack().engine.drain();
      const { run, raw } = await getRun(runId);
      expect(run.status).toBe("failed");
      expect(calls).toHaveLength(1);
      expect(run.error).toMatchObject({ code: "provider_status", nodeId: "ask" });
      expect(run.error?.message).toContain("400");
      expect(run.error?.message).toContain("[redacted]");
      expect(raw).not.toContain(fake.secret);
      expect(JSON.stringify(await events(runId))).not.toContain(fake.secret);
    });

    it("retries a call that times out", async () => {
      script = [
        async () => {
          await delay(2_000);
          return fake.text("too late");
        },
        () => fake.text("in time"),
      ];
      const runId = await startRun(llm(fake, { timeoutMs: 250 }));
      await stack().engine.drain();
      const { run } = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(run.steps[0]).toMatchObject({ attempt: 1, output: { text: "in time" } });
      const failed = (await events(runId)).find((e) => e.type === "step.failed");
      expect(failed?.data).toMatchObject({ error: { code: "timeout", retriable: true }, willRetry: true });
    });

    it("returns a structured object for a JSON schema", async () => {
      const jsonSchema = {
        type: "object",
        properties: { animal: { type: "string" }, legs: { type: "integer" } },
        required: ["animal", "legs"],
      };
      script = [() => jsonAnswer(fake, { animal: "otter", legs: 4 })];
      const runId = await startRun(llm(fake, { jsonSchema }));
      await stack().engine.drain();
      const { run } = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(run.steps[0]?.output).toMatchObject({ object: { animal: "otter", legs: 4 } });
      const body = (calls[0] as Call).body;
      if (fake.provider === "openai") {
        expect(body.response_format).toMatchObject({
          type: "json_schema",
          json_schema: { schema: jsonSchema },
        });
      } else {
        expect(body.generationConfig).toMatchObject({ responseMimeType: "application/json" });
      }
    });

    it("vision: sends the image with the prompt", async () => {
      script = [() => fake.text("An otter.")];
      const runId = await startRun({
        nodes: [
          node("see", "vision", {
            provider: fake.provider,
            model: fake.visionModel,
            credential: fake.credential,
            prompt: "What animal is this?",
            image: "https://img.test/{{ 'otter' }}.png",
          }),
        ],
        edges: [],
      });
      await stack().engine.drain();
      const { run, raw } = await getRun(runId);
      expect(run.status, raw).toBe("succeeded");
      expect(run.steps[0]?.output).toMatchObject({ text: "An otter.", usage: { inputTokens: 1200 } });
      const body = JSON.stringify((calls[0] as Call).body);
      expect(body).toContain("What animal is this?");
      if (fake.provider === "openai") {
        // OpenAI fetches the URL itself.
        expect(body).toContain('"url":"https://img.test/otter.png"');
      } else {
        // Gemini 2.0 cannot: the image was downloaded and sent inline.
        expect(body).toContain(`"data":"${Buffer.from(PNG).toString("base64")}"`);
      }
    });
  });

  it("vision: a missing image fails at once, fetched through the node egress path", async () => {
    const runId = await startRun({
      nodes: [
        node("see", "vision", {
          provider: "google",
          model: google.visionModel,
          credential: google.credential,
          prompt: "What is this?",
          image: "https://img.test/missing.png",
        }),
      ],
      edges: [],
    });
    await stack().engine.drain();
    const { run } = await getRun(runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ code: "image_download_failed" });
    expect(run.error?.message).toContain("config.image");
    expect(run.steps[0]?.attempt).toBe(0);
    expect(calls).toHaveLength(0);
  });

  it("runs the seeded example against any OpenAI-compatible endpoint, with the model from the input", async () => {
    script = [() => openai.text("Tides follow the moon.")];
    const started = await stack().api<{ runId: string }>("POST", "/api/workflows/wf_llm_example/runs", {
      input: { topic: "tides", model: "llama3.2" },
    });
    expect(started.status).toBe(202);
    await stack().engine.drain();
    const { run, raw } = await getRun(started.body.runId);
    expect(run.status, raw).toBe("succeeded");
    expect(calls[0]?.url).toBe("https://env-llm.test/v1/chat/completions");
    expect(calls[0]?.body.model).toBe("llama3.2");
    // The fake answers with OpenAI's model id and price; a real Ollama would report its own (cost null).
    expect(run.steps.find((s) => s.nodeId === "report")?.output).toEqual({
      answer: "Tides follow the moon.",
      model: "gpt-4o-mini-2024-07-18",
      tokens: { inputTokens: 1200, outputTokens: 300 },
      costUsd: 0.00036,
    });
  });

  it("uses the deployment's key and base URL when the node names no credential", async () => {
    script = [() => openai.text("from env")];
    const runId = await startRun(llm(openai, { credential: undefined }));
    await stack().engine.drain();
    const { run, raw } = await getRun(runId);
    expect(run.status, raw).toBe("succeeded");
    expect(calls[0]?.url).toBe("https://env-llm.test/v1/chat/completions");
    expect(calls[0]?.headers.get("authorization")).toBe(`Bearer ${ENV_KEY}`);
    expect(raw).not.toContain(ENV_KEY);
  });

  it("fails without retry, naming what is missing, when there is no key or no such credential", async () => {
    const noKey = await startRun(llm(google, { credential: undefined }));
    const unknown = await startRun(llm(openai, { credential: "nope" }));
    await stack().engine.drain();
    expect(calls).toHaveLength(0);

    const missing = (await getRun(noKey)).run;
    expect(missing.status).toBe("failed");
    expect(missing.error).toMatchObject({ code: "missing_api_key" });
    expect(missing.error?.message).toContain("GOOGLE_GENERATIVE_AI_API_KEY");
    expect(missing.steps[0]?.attempt).toBe(0);

    const noSuch = (await getRun(unknown)).run;
    expect(noSuch.error).toMatchObject({ code: "invalid_credential" });
    expect(noSuch.error?.message).toContain('"nope"');
    expect(noSuch.steps[0]?.attempt).toBe(0);
  });

  it("uses a rotated secret from the next call on, and never answers it", async () => {
    const rotating = { ...openai, credential: "rotating-openai", secret: "sk-before-ROTATION-111" };
    const created = await stack().api<{ id: string }>("POST", "/api/credentials", {
      name: rotating.credential,
      kind: "openai",
      secret: rotating.secret,
      metadata: { baseUrl: openai.baseUrl },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    script = [() => openai.text("before")];
    await startRun(llm(rotating));
    await stack().engine.drain();
    expect(openai.keyOf(calls[0] as Call)).toContain("sk-before-ROTATION-111");

    const rotated = await stack().api<{ updatedAt: string }>("PATCH", `/api/credentials/${created.body.id}`, {
      secret: "sk-after-ROTATION-222",
    });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(JSON.stringify(rotated.body)).not.toContain("ROTATION");

    script = [() => openai.text("after")];
    const runId = await startRun(llm(rotating));
    await stack().engine.drain();
    expect((await getRun(runId)).run.status).toBe("succeeded");
    expect(openai.keyOf(calls[1] as Call)).toContain("sk-after-ROTATION-222");

    // Nothing to change is refused before anything is written; the settings stay as they were.
    const empty = await stack().api<{ error: { code: string; message: string } }>(
      "PATCH",
      `/api/credentials/${created.body.id}`,
      {},
    );
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toContain("give a new secret, new metadata, or both");
    const listed = await stack().api<{ data: { id: string; metadata: Record<string, string> }[] }>(
      "GET",
      "/api/credentials",
    );
    expect(listed.body.data.find((row) => row.id === created.body.id)?.metadata).toEqual({
      baseUrl: openai.baseUrl,
    });
  });
});
