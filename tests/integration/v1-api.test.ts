import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, get, node } from "../fixtures/graphs";
import { type ApiAnswer, type CreatedKey, callWithKey, createKeyViaSession } from "../helpers/api-client";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { useStack } from "../helpers/stack";

type ErrorBody = { error: { code: string; message: string; requestId: string; issues?: unknown[] } };
type Step = { nodeId: string; status: string; output: unknown };
type Run = { id: string; status: string; scope: string; output: unknown; steps: Step[] };
type RunPage = { data: Array<{ id: string; workflowId: string; status: string }>; nextCursor: string | null };

const ALL_SCOPES = ["workflows:read", "workflows:write", "runs:read", "runs:write"];
const hello = { nodes: [node("hello", "text", { template: "Hi {{ input.name }}" })], edges: [] };

describe("public API /api/v1 (pglite)", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  let key: CreatedKey;
  let server: CountingServer;
  beforeAll(async () => {
    key = await createKeyViaSession(stack(), ALL_SCOPES);
    server = await startCountingServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const v1 = <T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    callWithKey<T>(stack(), `Bearer ${key.secret}`, method, `/api/v1${path}`, { body, headers });

  async function createWorkflow(graph: unknown, name = "v1 test") {
    const created = await v1<{ id: string; version: number }>("POST", "/workflows", { name, graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  /** wait (a delay) → after (an HTTP call the counting server counts under `hitPath`). */
  function createSleeper(duration: string, hitPath: string) {
    return createWorkflow({
      nodes: [node("wait", "delay", { duration }), node("after", "http", get(`${server.url}${hitPath}`))],
      edges: [edge("wait", "after")],
    });
  }

  async function startRun(workflowId: string, input: Record<string, unknown> = {}) {
    const started = await v1<{ runId: string }>("POST", `/workflows/${workflowId}/runs`, { input });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return started.body.runId;
  }

  async function database() {
    const { getDb } = await import("@/server/db/client");
    return { db: await getDb(), schema: await import("@/server/db/schema") };
  }

  it("creates, reads and saves workflows, and runs one to success", async () => {
    const workflowId = await createWorkflow(hello);
    const list = await v1<{ data: Array<{ id: string }> }>("GET", "/workflows");
    expect(list.status).toBe(200);
    expect(list.body.data.map((w) => w.id)).toContain(workflowId);
    expect((await v1<{ graph: unknown }>("GET", `/workflows/${workflowId}`)).body.graph).toMatchObject(hello);

    const saved = await v1<{ version: number }>("PUT", `/workflows/${workflowId}`, {
      graph: { nodes: [node("hello", "text", { template: "Hello {{ input.name }}" })], edges: [] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(2);

    const started = await v1<{ runId: string; status: string }>("POST", `/workflows/${workflowId}/runs`, {
      input: { name: "Ada" },
    });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe("queued");
    expect(started.headers.get("location")).toBe(`/api/v1/runs/${started.body.runId}`);
    await stack().engine.drain();

    const run = await v1<Run & { trigger: string; version: number }>("GET", `/runs/${started.body.runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: "succeeded", trigger: "api", version: 2, scope: "full" });
    expect(run.body.output).toEqual({ text: "Hello Ada" });
    // The same body as the app's own route.
    expect((await stack().api("GET", `/api/runs/${started.body.runId}`)).body).toEqual(run.body);
  });

  it("block-runs one node alone against seeded upstream outputs", async () => {
    const workflowId = await createWorkflow({
      nodes: [
        node("fetch", "text", { template: "real fetch" }),
        node("greet", "text", { template: "{{ nodes.fetch.text }}, {{ input.name }}" }),
        node("tail", "text", { template: "never in a block run" }),
      ],
      edges: [edge("fetch", "greet"), edge("greet", "tail")],
    });
    const path = `/workflows/${workflowId}/nodes/greet/run`;
    const body = { input: { name: "Ada" }, nodes: { fetch: { text: "seeded" } } };
    const done = await v1<{ runId: string; status: string; output: unknown; error: unknown; step: Step }>(
      "POST",
      path,
      body,
    );
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: "succeeded", output: { text: "seeded, Ada" }, error: null });
    expect(done.body.step).toMatchObject({
      nodeId: "greet",
      status: "succeeded",
      output: { text: "seeded, Ada" },
    });

    const run = await v1<Run>("GET", `/runs/${done.body.runId}`);
    expect(run.body.scope).toBe("partial");
    expect(run.body.steps.map((s) => s.nodeId)).toEqual(["greet"]);

    const queued = await v1<{ runId: string; status: string }>("POST", `${path}?wait=0`, body);
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({ runId: expect.stringMatching(/^run_/), status: "queued" });
    await stack().engine.drain();
    expect((await v1<Run>("GET", `/runs/${queued.body.runId}`)).body.output).toEqual({ text: "seeded, Ada" });

    expect((await v1<ErrorBody>("POST", `/workflows/${workflowId}/nodes/ghost/run`, body)).status).toBe(404);
    const stray = await v1<ErrorBody>("POST", path, { nodes: { tail: {} } });
    expect(stray.status).toBe(422);
    expect(stray.body.error.issues).toEqual([
      { path: ["body", "nodes", "tail"], message: expect.any(String) },
    ]);
  });

  it("replays a run for a repeated Idempotency-Key and refuses a different body or a second key", async () => {
    const workflowId = await createWorkflow(hello);
    const path = `/workflows/${workflowId}/runs`;
    const headers = { "Idempotency-Key": "order-7" };
    const first = await v1<{ runId: string }>("POST", path, { input: { name: "A" } }, headers);
    const again = await v1<{ runId: string }>("POST", path, { input: { name: "A" } }, headers);
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.body.runId).toBe(first.body.runId);

    const conflict = await v1<ErrorBody>("POST", path, { input: { name: "B" } }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("conflict");

    const both = { input: { name: "A" }, idempotencyKey: "order-8" };
    expect((await v1<ErrorBody>("POST", path, both, headers)).status).toBe(422);
    const agreeing = await v1<{ runId: string }>(
      "POST",
      path,
      { ...both, idempotencyKey: "order-7" },
      headers,
    );
    expect(agreeing.body.runId).toBe(first.body.runId);

    const { db, schema } = await database();
    const rows = await db.select().from(schema.runs).where(eq(schema.runs.idempotencyKey, "order-7"));
    expect(rows).toHaveLength(1);
  });

  it("lists runs newest first with filters and a cursor, without duplicates or gaps", async () => {
    const workflowId = await createWorkflow(hello, "listed");
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push(await startRun(workflowId, { name: `n${i}` }));
    await stack().engine.drain();

    const pages: RunPage[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: ApiAnswer<RunPage> = await v1<RunPage>(
        "GET",
        `/runs?workflowId=${workflowId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.nextCursor;
    }
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.data.map((r) => r.id))).toEqual([...started].reverse());

    // The whole workspace, paged, is exactly what the table holds for it.
    const seen: string[] = [];
    for (let next: string | null = ""; next !== null; ) {
      const page: ApiAnswer<RunPage> = await v1<RunPage>(
        "GET",
        `/runs?limit=3${next ? `&cursor=${next}` : ""}`,
      );
      seen.push(...page.body.data.map((r) => r.id));
      next = page.body.nextCursor;
    }
    const { db, schema } = await database();
    const all = await db
      .select({ id: schema.runs.id })
      .from(schema.runs)
      .where(eq(schema.runs.workspaceId, "ws_local"));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(
      all
        .map((r) => r.id)
        .sort()
        .reverse(),
    );

    const succeeded = await v1<RunPage>("GET", `/runs?workflowId=${workflowId}&status=succeeded`);
    expect(succeeded.body.data).toHaveLength(5);
    expect(succeeded.body.nextCursor).toBeNull();
    expect((await v1<RunPage>("GET", `/runs?workflowId=${workflowId}&status=failed`)).body.data).toEqual([]);
    for (const bad of ["status=bogus", "limit=0", "limit=101", "cursor=nope"]) {
      expect((await v1<ErrorBody>("GET", `/runs?${bad}`)).status, bad).toBe(422);
    }
  });

  it("cancels a run sleeping on a delay: the node after the delay never runs", async () => {
    const workflowId = await createSleeper("1h", "/ok/after-cancel");
    const runId = await startRun(workflowId);
    await stack().engine.settle();
    expect((await v1<Run>("GET", `/runs/${runId}`)).body.status).toBe("running");

    const cancelled = await v1("POST", `/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ runId, status: "cancelled" });
    const twice = await v1<ErrorBody>("POST", `/runs/${runId}/cancel`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe("run already cancelled");

    await stack().engine.clock.advance(3_600_000);
    await stack().engine.drain();
    const run = await v1<Run & { finishedAt: string | null }>("GET", `/runs/${runId}`);
    expect(run.body.status).toBe("cancelled");
    expect(run.body.finishedAt).not.toBeNull();
    // The delay was asleep (running since it began), the node after it never started: both cancelled.
    expect(run.body.steps.map((s) => [s.nodeId, s.status]).sort()).toEqual([
      ["after", "cancelled"],
      ["wait", "cancelled"],
    ]);
    expect(server.hits("/ok/after-cancel")).toBe(0);
    const engineRun = stack()
      .engine.listRuns()
      .find((r) => (r.event.data as { runId?: string } | undefined)?.runId === runId);
    expect(engineRun?.status).toBe("Cancelled");

    const { getDb } = await import("@/server/db/client");
    const { listRunEvents } = await import("@/server/runs/queries");
    const events = await listRunEvents(await getDb(), "ws_local", runId);
    expect(events.filter((e) => e.nodeId === "after")).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "run.status", data: { status: "cancelled" } });
  });

  it("keeps a run cancelled when the cancel never reached the engine: no further node executes", async () => {
    const workflowId = await createSleeper("1m", "/ok/after-lost");
    const runId = await startRun(workflowId);
    await stack().engine.settle();
    // What a lost `workflow/run.cancel-requested` leaves behind: the row says cancelled, the function sleeps on.
    const { db, schema } = await database();
    await db.update(schema.runs).set({ status: "cancelled" }).where(eq(schema.runs.id, runId));

    await stack().engine.clock.advance(60_000);
    await stack().engine.drain();
    const run = await v1<Run>("GET", `/runs/${runId}`);
    expect(run.body.status).toBe("cancelled");
    // The delay stays as the cancel found it (asleep, so running); the node after it never started.
    expect(run.body.steps.map((s) => [s.nodeId, s.status]).sort()).toEqual([
      ["after", "pending"],
      ["wait", "running"],
    ]);
    expect(server.hits("/ok/after-lost")).toBe(0);
  });

  it("cancels through the session route too, and refuses to cancel a finished run", async () => {
    const workflowId = await createWorkflow({
      nodes: [node("wait", "delay", { duration: "1h" })],
      edges: [],
    });
    const sleeping = await startRun(workflowId);
    await stack().engine.settle();
    const viaSession = await stack().api("POST", `/api/runs/${sleeping}/cancel`);
    expect(viaSession.status).toBe(200);
    expect(viaSession.body).toEqual({ runId: sleeping, status: "cancelled" });

    const finished = await startRun(await createWorkflow(hello));
    await stack().engine.drain();
    const refused = await v1<ErrorBody>("POST", `/runs/${finished}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conflict", message: "run already succeeded" });
    expect((await v1("POST", "/runs/run_00000000000000000000000000/cancel")).status).toBe(404);
  });

  it("answers 401 JSON with WWW-Authenticate, never a redirect, to anything but a live key", async () => {
    const { db, schema } = await database();
    const revoked = await createKeyViaSession(stack(), ALL_SCOPES);
    expect((await stack().api("DELETE", `/api/api-keys/${revoked.id}`)).status).toBe(200);
    const expired = await createKeyViaSession(stack(), ALL_SCOPES, {
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await db
      .update(schema.apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(schema.apiKeys.id, expired.id));

    const cases: Array<[string, string | null, RegExp]> = [
      ["missing", null, /Bearer/],
      ["not bearer", `Basic ${Buffer.from("a:b").toString("base64")}`, /Bearer/],
      ["malformed", "Bearer sk_short", /malformed/],
      ["unknown", `Bearer sk_${"A".repeat(43)}`, /not valid/],
      ["revoked", `Bearer ${revoked.secret}`, /revoked/],
      ["expired", `Bearer ${expired.secret}`, /expired/],
    ];
    for (const [name, authorization, message] of cases) {
      for (const [method, path] of [
        ["GET", "/api/v1/workflows"],
        ["POST", "/api/v1/runs/run_00000000000000000000000000/cancel"],
      ] as const) {
        const answer = await callWithKey<ErrorBody>(stack(), authorization, method, path);
        expect(answer.status, `${name} ${method} ${path}`).toBe(401);
        expect(answer.headers.get("www-authenticate"), name).toMatch(/^Bearer/);
        expect(answer.headers.get("location"), name).toBeNull();
        expect(answer.body.error.code, name).toBe("unauthorized");
        expect(answer.body.error.message, name).toMatch(message);
      }
    }
  });

  it("answers 403 for a missing scope and 404 for another workspace's workflows and runs", async () => {
    const reader = await createKeyViaSession(stack(), ["workflows:read", "runs:read"]);
    const asReader = (method: string, path: string, body?: unknown) =>
      callWithKey<ErrorBody>(stack(), `Bearer ${reader.secret}`, method, `/api/v1${path}`, { body });
    expect((await asReader("GET", "/workflows")).status).toBe(200);
    const forbidden = await asReader("POST", "/workflows/wf_example/runs", { input: { name: "x" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/runs:write/),
    });
    expect((await asReader("POST", "/workflows", { name: "x", graph: hello })).status).toBe(403);

    // A second tenant, made directly in the database: its key sees only its own things, and ours only ours.
    const { db, schema } = await database();
    const { createApiKey } = await import("@/server/api-keys/create-api-key");
    await db
      .insert(schema.workspaces)
      .values({ id: "ws_other", name: "Other", kind: "personal", externalId: "u_other" });
    const other = await createApiKey(db, {
      workspaceId: "ws_other",
      createdBy: "test",
      body: { name: "other", scopes: ["workflows:read", "workflows:write", "runs:read", "runs:write"] },
    });
    const asOther = <T>(method: string, path: string, body?: unknown) =>
      callWithKey<T>(stack(), `Bearer ${other.secret}`, method, `/api/v1${path}`, { body });
    const theirs = await asOther<{ id: string }>("POST", "/workflows", { name: "theirs", graph: hello });
    expect(theirs.status).toBe(201);
    const theirRun = await asOther<{ runId: string }>("POST", `/workflows/${theirs.body.id}/runs`, {
      input: {},
    });
    expect(theirRun.status).toBe(202);
    await stack().engine.drain();

    const foreign: Array<[string, string, unknown?]> = [
      ["GET", `/workflows/${theirs.body.id}`],
      ["PUT", `/workflows/${theirs.body.id}`, { graph: hello }],
      ["POST", `/workflows/${theirs.body.id}/runs`, { input: {} }],
      ["POST", `/workflows/${theirs.body.id}/nodes/hello/run`, {}],
      ["GET", `/runs/${theirRun.body.runId}`],
      ["POST", `/runs/${theirRun.body.runId}/cancel`],
    ];
    for (const [method, path, body] of foreign) {
      expect((await v1<ErrorBody>(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await asOther("GET", "/workflows/wf_example")).status).toBe(404);
    const mine = await v1<RunPage>("GET", "/runs?limit=100");
    expect(mine.body.data.map((r) => r.id)).not.toContain(theirRun.body.runId);
    const listed = await asOther<RunPage>("GET", "/runs");
    expect(listed.body.data.map((r) => r.id)).toEqual([theirRun.body.runId]);
  });

  it("manages keys through the session routes: secrets shown once, revocation immediate", async () => {
    const created = await createKeyViaSession(stack(), ["runs:read"]);
    expect(created.secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.secret.slice(0, 11));
    const asKey = () => callWithKey(stack(), `Bearer ${created.secret}`, "GET", "/api/v1/runs");
    expect((await asKey()).status).toBe(200);

    const list = await stack().api<{ data: Array<Record<string, unknown>> }>("GET", "/api/api-keys");
    expect(list.status).toBe(200);
    const listed = list.body.data.find((k) => k.id === created.id);
    expect(listed).toMatchObject({ prefix: created.prefix, scopes: ["runs:read"], revokedAt: null });
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(Object.keys(listed ?? {})).not.toContain("secret");
    expect(Object.keys(listed ?? {})).not.toContain("hash");
    expect(JSON.stringify(list.body)).not.toContain(created.secret);

    const revoked = await stack().api<{ revokedAt: string | null }>("DELETE", `/api/api-keys/${created.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await asKey()).status).toBe(401);
    expect((await stack().api("DELETE", "/api/api-keys/key_00000000000000000000000000")).status).toBe(404);
  });

  it("serves the OpenAPI document without a key", async () => {
    const answer = await callWithKey<{ openapi: string; paths: Record<string, unknown> }>(
      stack(),
      null,
      "GET",
      "/api/v1/openapi.json",
    );
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe("3.1.0");
    expect(Object.keys(answer.body.paths)).toContain("/api/v1/workflows/{workflowId}/nodes/{nodeId}/run");
  });
});
