import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";
import { startUpstashRestShim, type UpstashRestShim } from "../helpers/upstash-rest-shim";
import { githubHeaders, post, standardHeaders, stripeHeaders } from "../helpers/webhook-sender";

type Webhook = {
  id: string;
  url: string;
  secret: string;
  enabled: boolean;
  previousSecretExpiresAt: string | null;
};
type Delivery = {
  id: string;
  outcome: string;
  status: number;
  runId: string | null;
  bodyExcerpt: string | null;
  headers: Record<string, string>;
  replayOf: string | null;
  messageId: string | null;
};

// The real webhook budget (the stack raises every class for other suites): 20 per 10 s, fail closed.
process.env.RATE_LIMIT_WEBHOOK = "20/10s closed";

const echo = { nodes: [node("echo", "transform", { expression: "input" })], edges: [] };

/**
 * Webhook endpoints end to end on the in-process app (PGlite, the local engine): management,
 * the receiver's order of refusals, signatures of three schemes, deduplication by message id,
 * rotation, mapping and schema validation, the delivery log and replays, the rate limit on both
 * stores. The restart case is tests/integration/webhook-restart.test.ts.
 */
describe("webhook triggers", () => {
  const stack = useStack({ driver: "pglite" });
  let workflowId: string;

  beforeAll(async () => {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", {
      name: "hooked",
      graph: echo,
    });
    expect(created.status).toBe(201);
    workflowId = created.body.id;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  async function createWebhook(body: Record<string, unknown> = {}, workflow = workflowId) {
    const created = await stack().api<Webhook>("POST", `/api/workflows/${workflow}/webhooks`, {
      name: `hook ${randomUUID().slice(0, 8)}`,
      ...body,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  /** A distinct source address per test, so rate limits of one test never touch another's. */
  const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

  function send(
    hook: Webhook,
    payload: unknown,
    options: { messageId?: string; at?: Date; from?: string } = {},
  ) {
    const raw = JSON.stringify(payload);
    return post(hook.url, raw, {
      ...standardHeaders(hook.secret, raw, options),
      "x-forwarded-for": options.from ?? ip(),
    });
  }

  /**
   * Both stores count a sliding window over fixed 10 s slots; a slow machine could let the slot
   * turn between the 20th and 21st call, and the window would rightly count fewer. Date stands
   * still (app and sender share this process), so every call falls early in one slot.
   */
  function freezeClockAtWindowStart() {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 10_000) * 10_000 + 1_000);
  }

  async function runsOf(workflow: string): Promise<Array<{ id: string; input: unknown; trigger: string }>> {
    const { getDb } = await import("@/server/db/client");
    const result = await (await getDb()).execute(
      sql`select id, input, trigger from runs where workflow_id = ${workflow} order by created_at`,
    );
    return ((result as { rows?: unknown[] }).rows ?? (result as unknown as unknown[])) as never;
  }

  async function deliveriesOf(hook: Webhook, workflow = workflowId) {
    const listed = await stack().api<{ data: Delivery[]; nextCursor: string | null }>(
      "GET",
      `/api/workflows/${workflow}/webhooks/${hook.id}/deliveries?limit=100`,
    );
    expect(listed.status).toBe(200);
    return listed.body;
  }

  async function newWorkflow(graph: unknown = echo, inputSchema?: unknown) {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", {
      name: `wf ${randomUUID().slice(0, 6)}`,
      graph,
      ...(inputSchema ? { inputSchema } : {}),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  it("creates an endpoint whose secret is shown once, in Standard Webhooks' format", async () => {
    const hook = await createWebhook();
    expect(hook.id).toMatch(/^wh_/);
    expect(hook.url).toBe(`${stack().app.url}/api/webhooks/${hook.id}`);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await stack().api<{ data: Webhook[] }>("GET", `/api/workflows/${workflowId}/webhooks`);
    const fetched = await stack().api("GET", `/api/workflows/${workflowId}/webhooks/${hook.id}`);
    expect(listed.body.data.map((h) => h.id)).toContain(hook.id);
    expect(JSON.stringify(listed.body) + JSON.stringify(fetched.body)).not.toContain(
      hook.secret.slice(6, 20),
    );
    expect(JSON.stringify(fetched.body)).not.toContain('secret"');
  });

  it("starts a run from a request signed by the standardwebhooks client, with RateLimit-* on the 202", async () => {
    const workflow = await newWorkflow();
    const hook = await createWebhook({}, workflow);
    const sent = await send(hook, { order: 42 });
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body.runId).toMatch(/^run_/);
    expect(sent.headers.get("ratelimit-limit")).toBe("20");
    expect(sent.headers.get("ratelimit-remaining")).toBe("19");
    expect(Number(sent.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    const runs = await runsOf(workflow);
    expect(runs).toEqual([{ id: sent.body.runId, input: { order: 42 }, trigger: "webhook" }]);
  });

  it("lets 20 signed calls in 10 s from one IP through and answers the 21st 429 with Retry-After", async () => {
    const hook = await createWebhook();
    const from = ip();
    freezeClockAtWindowStart();
    const passed = await Promise.all(Array.from({ length: 20 }, (_, i) => send(hook, { i }, { from })));
    expect(passed.map((a) => a.status)).toEqual(Array(20).fill(202));
    const refused = await send(hook, { i: 20 }, { from });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("ratelimit-limit")).toBe("20");
    // Another source has its own budget; the refused call left no delivery (the limit protects the log too).
    expect((await send(hook, { other: true })).status).toBe(202);
    expect((await deliveriesOf(hook)).data).toHaveLength(21);
  });

  it("answers 401 to a bad signature, a stale timestamp and missing headers, writing only the delivery", async () => {
    const workflow = await newWorkflow();
    const hook = await createWebhook({}, workflow);
    const raw = JSON.stringify({ evil: true });
    const signed = standardHeaders(hook.secret, raw);
    const cases: Array<[string, Record<string, string>]> = [
      [
        "bad signature",
        { ...signed, "webhook-signature": standardHeaders(hook.secret, "{}")["webhook-signature"] ?? "" },
      ],
      ["another secret", standardHeaders(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, raw)],
      [
        "stale timestamp",
        standardHeaders(hook.secret, raw, { at: new Date(Date.now() - 5 * 60_000 - 5_000) }),
      ],
      ["future timestamp", standardHeaders(hook.secret, raw, { at: new Date(Date.now() + 6 * 60_000) })],
      ["no signature", { "webhook-id": "msg_1", "webhook-timestamp": signed["webhook-timestamp"] ?? "" }],
      ["no headers", {}],
    ];
    for (const [name, headers] of cases) {
      const sent = await post(hook.url, raw, { ...headers, "x-forwarded-for": ip() });
      expect(sent.status, name).toBe(401);
      expect(sent.body, name).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect(await runsOf(workflow)).toEqual([]);
    const { data } = await deliveriesOf(hook, workflow);
    expect(data.map((d) => [d.outcome, d.status, d.runId])).toEqual(
      Array(6).fill(["rejected_signature", 401, null]),
    );
    // Several signatures: one valid among them is enough.
    const several = standardHeaders(hook.secret, raw);
    several["webhook-signature"] =
      `v1,${Buffer.alloc(32).toString("base64")} ${several["webhook-signature"]}`;
    expect((await post(hook.url, raw, several)).status).toBe(202);
  });

  it("answers 404 for a disabled endpoint, and again accepts once it is enabled", async () => {
    const hook = await createWebhook();
    const path = `/api/workflows/${workflowId}/webhooks/${hook.id}`;
    expect((await stack().api("PATCH", path, { enabled: false })).status).toBe(200);
    expect((await send(hook, { a: 1 })).status).toBe(404);
    expect(
      (await post(`${stack().app.url}/api/webhooks/wh_00000000000000000000000000`, "{}", {})).status,
    ).toBe(404);
    expect((await stack().api("PATCH", path, { enabled: true })).status).toBe(200);
    expect((await send(hook, { a: 1 })).status).toBe(202);
  });

  it("treats the endpoints of a deleted workflow as gone: 404 everywhere, deliveries not taken nor logged", async () => {
    const workflow = await newWorkflow();
    const hook = await createWebhook({}, workflow);
    expect((await send(hook, { before: true })).status).toBe(202);
    expect((await stack().api("DELETE", `/api/workflows/${workflow}`)).status).toBe(204);
    const path = `/api/workflows/${workflow}/webhooks/${hook.id}`;
    expect((await stack().api("GET", path)).status).toBe(404);
    expect((await stack().api("PATCH", path, { name: "zombie" })).status).toBe(404);
    expect((await stack().api("POST", `${path}/rotate`, {})).status).toBe(404);
    expect((await stack().api("GET", `${path}/deliveries`)).status).toBe(404);
    expect((await stack().api("DELETE", path)).status).toBe(404);
    expect((await send(hook, { after: true })).status).toBe(404);
    const { getDb } = await import("@/server/db/client");
    const logged = await (await getDb()).execute(
      sql`select outcome from webhook_deliveries where endpoint_id = ${hook.id} order by received_at`,
    );
    const rows = ((logged as { rows?: unknown[] }).rows ?? (logged as unknown as unknown[])) as Array<{
      outcome: string;
    }>;
    expect(rows.map((row) => row.outcome)).toEqual(["accepted"]);
  });

  it("refuses a Stripe endpoint without Stripe's secret (Stripe signs with its own)", async () => {
    const created = await stack().api("POST", `/api/workflows/${workflowId}/webhooks`, {
      name: "stripe",
      verification: "stripe",
    });
    expect(created.status).toBe(422);
    expect(JSON.stringify(created.body)).toContain("secret");
    const stripe = await createWebhook({ verification: "stripe", secret: "whsec_from_stripe_0123456789" });
    const rotate = await stack().api("POST", `/api/workflows/${workflowId}/webhooks/${stripe.id}/rotate`, {});
    expect(rotate.status).toBe(422);
    expect(JSON.stringify(rotate.body)).toContain("secret");
  });

  it("makes one run of one message id delivered 10 times at once; the others answer its id", async () => {
    const workflow = await newWorkflow();
    const hook = await createWebhook({}, workflow);
    const messageId = `msg_${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => send(hook, { once: true }, { messageId })),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const duplicates = answers.filter((a) => a.status === 200);
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(9);
    const runId = accepted[0]?.body.runId;
    for (const duplicate of duplicates) expect(duplicate.body).toEqual({ runId, duplicate: true });
    // A re-delivery with another body under the same id is the same message: the original run.
    const changed = await send(hook, { once: false }, { messageId });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ runId, duplicate: true });
    expect((await runsOf(workflow)).map((r) => r.id)).toEqual([runId]);
    const outcomes = (await deliveriesOf(hook, workflow)).data.map((d) => d.outcome).sort();
    expect(outcomes).toEqual(["accepted", ...Array(10).fill("duplicate")]);
  });

  it("keeps the replaced secret verifying through the grace period, and refuses it after", async () => {
    const hook = await createWebhook();
    const rotated = await stack().api<Webhook>(
      "POST",
      `/api/workflows/${workflowId}/webhooks/${hook.id}/rotate`,
      { graceSeconds: 3600 },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt ?? "")).toBeGreaterThan(Date.now() + 3500_000);
    const fresh = { ...hook, secret: rotated.body.secret };
    expect((await send(hook, { with: "old" })).status).toBe(202);
    expect((await send(fresh, { with: "new" })).status).toBe(202);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3601_000);
    const late = await send(hook, { with: "old, late" });
    expect(late.status).toBe(401);
    vi.useRealTimers();
    expect((await send(fresh, { with: "new" })).status).toBe(202);
  });

  it("verifies GitHub's X-Hub-Signature-256 and deduplicates by X-GitHub-Delivery", async () => {
    const workflow = await newWorkflow();
    const hook = await createWebhook({ verification: "github" }, workflow);
    const raw = JSON.stringify({ action: "opened", number: 7 });
    const headers = githubHeaders(hook.secret, raw);
    const first = await post(hook.url, raw, headers);
    expect(first.status, first.text).toBe(202);
    const again = await post(hook.url, raw, headers);
    expect(again.body).toEqual({ runId: first.body.runId, duplicate: true });
    const forged = await post(hook.url, raw, githubHeaders("not the secret", raw));
    expect(forged.status).toBe(401);
    expect((await post(hook.url, raw, { "x-github-delivery": "d1" })).status).toBe(401);
    expect(await runsOf(workflow)).toHaveLength(1);
  });

  it("verifies Stripe-Signature over t.body with its tolerance, deduplicating by the event id", async () => {
    const workflow = await newWorkflow();
    const secret = `whsec_${randomUUID().replaceAll("-", "")}`;
    const hook = await createWebhook({ verification: "stripe", secret }, workflow);
    expect(hook.secret).toBe(secret);
    const raw = JSON.stringify({ id: `evt_${randomUUID().slice(0, 8)}`, type: "invoice.paid" });
    const first = await post(hook.url, raw, stripeHeaders(secret, raw));
    expect(first.status, first.text).toBe(202);
    const again = await post(hook.url, raw, stripeHeaders(secret, raw));
    expect(again.body).toEqual({ runId: first.body.runId, duplicate: true });
    const stale = await post(hook.url, raw, stripeHeaders(secret, raw, new Date(Date.now() - 6 * 60_000)));
    expect(stale.status).toBe(401);
    const noId = JSON.stringify({ type: "invoice.paid" });
    const refused = await post(hook.url, noId, stripeHeaders(secret, noId));
    expect(refused.status).toBe(422);
    expect(await runsOf(workflow)).toHaveLength(1);
  });

  it("maps body and chosen headers with JSONata, and names the path the input schema refuses (422)", async () => {
    const workflow = await newWorkflow(echo, {
      type: "object",
      required: ["email", "count"],
      properties: { email: { type: "string" }, count: { type: "integer" } },
    });
    const hook = await createWebhook(
      {
        mapping: '{ "email": body.user.email, "count": $count(body.items), "event": headers."x-event" }',
        includeHeaders: ["X-Event"],
      },
      workflow,
    );
    const ok = await post(hook.url, JSON.stringify({ user: { email: "a@b.c" }, items: [1, 2] }), {
      ...standardHeaders(hook.secret, JSON.stringify({ user: { email: "a@b.c" }, items: [1, 2] })),
      "x-event": "signup",
    });
    expect(ok.status, ok.text).toBe(202);
    expect((await runsOf(workflow))[0]?.input).toEqual({ email: "a@b.c", count: 2, event: "signup" });

    const bad = await send(hook, { user: { email: 5 }, items: [] });
    expect(bad.status).toBe(422);
    const error = bad.body.error as { code: string; message: string; issues: Array<{ path: unknown[] }> };
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain("email");
    expect(error.issues[0]?.path).toContain("email");
    const notJson = await post(hook.url, "not json", standardHeaders(hook.secret, "not json"));
    expect(notJson.status).toBe(400);
    expect(await runsOf(workflow)).toHaveLength(1);

    const invalid = await stack().api<{ error: { issues: Array<{ path: unknown[] }> } }>(
      "POST",
      `/api/workflows/${workflow}/webhooks`,
      { name: "broken", mapping: "{ unclosed" },
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.issues[0]?.path).toEqual(["body", "mapping"]);
    const withheld = await stack().api("POST", `/api/workflows/${workflow}/webhooks`, {
      name: "leaky",
      includeHeaders: ["webhook-signature"],
    });
    expect(withheld.status).toBe(422);
  });

  it("lists deliveries newest first without signatures, pages them, and replays one into a second run", async () => {
    const workflow = await newWorkflow();
    const hook = await createWebhook({ includeHeaders: ["x-event"] }, workflow);
    const raw = JSON.stringify({ n: 1 });
    const sent = await post(hook.url, raw, {
      ...standardHeaders(hook.secret, raw),
      "x-event": "one",
      cookie: "a=b",
    });
    expect(sent.status).toBe(202);
    expect((await send(hook, { n: 2 })).status).toBe(202);
    expect((await post(hook.url, "{}", {})).status).toBe(401);

    const { data } = await deliveriesOf(hook, workflow);
    expect(data.map((d) => d.outcome)).toEqual(["rejected_signature", "accepted", "accepted"]);
    const first = data[2] as Delivery;
    expect(first.bodyExcerpt).toBe(raw);
    expect(first.headers).toEqual({ "x-event": "one" });
    expect(first.runId).toBe(sent.body.runId);
    const page = await stack().api<{ data: Delivery[]; nextCursor: string }>(
      "GET",
      `/api/workflows/${workflow}/webhooks/${hook.id}/deliveries?limit=2`,
    );
    expect(page.body.data).toHaveLength(2);
    const next = await stack().api<{ data: Delivery[]; nextCursor: null }>(
      "GET",
      `/api/workflows/${workflow}/webhooks/${hook.id}/deliveries?limit=2&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.data.map((d) => d.id)).toEqual([first.id]);
    expect(next.body.nextCursor).toBeNull();

    const replay = await stack().api<{ runId: string; deliveryId: string }>(
      "POST",
      `/api/workflows/${workflow}/webhooks/${hook.id}/deliveries/${first.id}/replay`,
    );
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body.runId).not.toBe(sent.body.runId);
    const runs = await runsOf(workflow);
    expect(runs.filter((r) => JSON.stringify(r.input) === raw).map((r) => r.id)).toEqual([
      sent.body.runId,
      replay.body.runId,
    ]);
    const after = await deliveriesOf(hook, workflow);
    expect(after.data[0]).toMatchObject({
      id: replay.body.deliveryId,
      replayOf: first.id,
      outcome: "accepted",
    });
    const unsigned = data[0] as Delivery;
    const refused = await stack().api(
      "POST",
      `/api/workflows/${workflow}/webhooks/${hook.id}/deliveries/${unsigned.id}/replay`,
    );
    expect(refused.status).toBe(409);
  });

  it("refuses a body over the limit with 413 before any verification, recording nothing", async () => {
    const hook = await createWebhook();
    const huge = JSON.stringify({ pad: "x".repeat(1024 * 1024) });
    const sent = await post(hook.url, huge, standardHeaders(hook.secret, huge));
    expect(sent.status).toBe(413);
    expect((await deliveriesOf(hook)).data).toEqual([]);
  });

  it("deletes an endpoint: its URL answers 404", async () => {
    const hook = await createWebhook();
    const removed = await stack().api("DELETE", `/api/workflows/${workflowId}/webhooks/${hook.id}`);
    expect(removed.status).toBe(200);
    expect((await send(hook, {})).status).toBe(404);
    expect((await stack().api("GET", `/api/workflows/${workflowId}/webhooks/${hook.id}`)).status).toBe(404);
  });

  describe("with the real Upstash client on Redis (through the REST shim)", () => {
    let shim: UpstashRestShim;
    const global = globalThis as { __stepwiseRateLimitStore?: unknown };
    let previous: unknown;

    beforeAll(async () => {
      shim = await startUpstashRestShim();
      const { createUpstashRateLimitStore } = await import("@/server/rate-limit/upstash-rate-limit-store");
      previous = global.__stepwiseRateLimitStore;
      global.__stepwiseRateLimitStore = createUpstashRateLimitStore({
        url: shim.url,
        token: shim.token,
        // Generous: on a busy machine a slow answer would fail closed (503) and hide what is tested.
        timeoutMs: 15_000,
      });
    });

    afterAll(async () => {
      global.__stepwiseRateLimitStore = previous;
      await shim?.close();
    });

    it("lets 20 through and answers the 21st 429 with Retry-After and RateLimit-*", async () => {
      const hook = await createWebhook();
      const from = ip();
      freezeClockAtWindowStart();
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(hook, { i }, { from })));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
      expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toContain("0");
      answers.push(await send(hook, { i: 20 }, { from }));
      const refused = answers[20];
      expect(refused?.status).toBe(429);
      expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(refused?.headers.get("ratelimit-limit")).toBe("20");
    });

    it("fails closed: 503 with Retry-After when the store is unreachable", async () => {
      const { createUpstashRateLimitStore } = await import("@/server/rate-limit/upstash-rate-limit-store");
      const working = global.__stepwiseRateLimitStore;
      global.__stepwiseRateLimitStore = createUpstashRateLimitStore({
        url: "http://127.0.0.1:9",
        token: "x",
        timeoutMs: 200,
      });
      try {
        const hook = await createWebhook();
        const sent = await send(hook, {});
        expect(sent.status).toBe(503);
        expect(sent.headers.get("retry-after")).toBeTruthy();
        expect((await deliveriesOf(hook)).data).toEqual([]);
      } finally {
        global.__stepwiseRateLimitStore = working;
      }
    });
  });
});
