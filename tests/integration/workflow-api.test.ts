import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";

type ErrorBody = {
  error: {
    code: string;
    message: string;
    requestId: string;
    issues?: Array<{
      path: (string | number)[];
      message: string;
      nodeId?: string;
      field?: string;
      code?: string;
      cyclePath?: string[];
    }>;
  };
};

const simpleGraph = {
  nodes: [node("hello", "text", { template: "Hi {{ input.name }}" })],
  edges: [],
};

describe("workflow and run API (pglite)", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });

  async function tableCounts() {
    const { getDb } = await import("@/server/db/client");
    const { runs, workflows, workflowVersions } = await import("@/server/db/schema");
    const db = await getDb();
    const [w] = await db.select({ n: count() }).from(workflows);
    const [v] = await db.select({ n: count() }).from(workflowVersions);
    const [r] = await db.select({ n: count() }).from(runs);
    return { workflows: w?.n, versions: v?.n, runs: r?.n };
  }

  it("serves the seeded example workflow", async () => {
    const list = await stack().api<{ data: Array<{ id: string }> }>("GET", "/api/workflows");
    expect(list.status).toBe(200);
    expect(list.body.data.map((w) => w.id)).toContain("wf_example");
    const example = await stack().api<{ graph: { nodes: unknown[] } }>("GET", "/api/workflows/wf_example");
    expect(example.body.graph.nodes.length).toBeGreaterThan(5);
  });

  it("runs the seeded example to success with every node's output stored", async () => {
    const started = await stack().api<{ runId: string }>("POST", "/api/workflows/wf_example/runs", {
      // No appUrl: the health check calls the app's own origin (`app.url`), wherever it serves.
      input: { name: "Ada Lovelace" },
    });
    expect(started.status).toBe(202);
    await stack().engine.drain();
    const run = await stack().api<{
      status: string;
      output: { value: string };
      steps: Array<{ nodeId: string; status: string; output: unknown }>;
    }>("GET", `/api/runs/${started.body.runId}`);
    expect(run.body.status).toBe("succeeded");
    expect(run.body.output.value).toBe(
      "What a long name, Ada Lovelace. (20 characters; health check answered 200)",
    );
    const byNode = Object.fromEntries(run.body.steps.map((s) => [s.nodeId, s]));
    for (const id of ["greet", "stats", "health", "long-name", "pause", "long-reply", "summary"]) {
      expect(byNode[id]?.status, id).toBe("succeeded");
      expect(byNode[id]?.output, id).not.toBeNull();
    }
    expect(byNode["short-reply"]?.status).toBe("skipped");
  });

  it("keeps what the editor stores on an edge (type, label, data) across save and read", async () => {
    const edge = {
      id: "a->b",
      source: "a",
      target: "b",
      type: "smoothstep",
      label: "then",
      data: { color: "#0a0", note: { pinned: true } },
    };
    const graph = {
      nodes: [
        { id: "a", type: "text", position: { x: 0, y: 0 }, data: { config: { template: "a" } } },
        { id: "b", type: "text", position: { x: 200, y: 0 }, data: { config: { template: "b" } } },
      ],
      edges: [edge],
    };
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "edges", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const read = await stack().api<{ graph: { edges: unknown[] } }>(
      "GET",
      `/api/workflows/${created.body.id}`,
    );
    expect(read.body.graph.edges).toEqual([edge]);
    const tooLong = await stack().api("POST", "/api/workflows", {
      name: "edges",
      graph: { ...graph, edges: [{ ...edge, label: "x".repeat(201) }] },
    });
    expect(tooLong.status).toBe(422);
  });

  it("creates a workflow, saves new versions with PUT, and pins runs to the version they started on", async () => {
    const created = await stack().api<{ id: string; version: number }>("POST", "/api/workflows", {
      name: "pinned",
      graph: simpleGraph,
    });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);

    const run1 = await stack().api<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      input: { name: "v1" },
    });
    const updated = await stack().api<{ version: number; name: string }>(
      "PUT",
      `/api/workflows/${created.body.id}`,
      {
        graph: { nodes: [node("hello", "text", { template: "Bye {{ input.name }}" })], edges: [] },
      },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, name: "pinned" });

    await stack().engine.drain();
    const first = await stack().api<{ version: number; output: unknown }>(
      "GET",
      `/api/runs/${run1.body.runId}`,
    );
    expect(first.body).toMatchObject({ version: 1, output: { text: "Hi v1" } });
  });

  it.each([
    [
      "a cycle, with its path",
      {
        nodes: [node("a", "text", { template: "x" }), node("b", "text", { template: "y" })],
        edges: [edge("a", "b"), edge("b", "a")],
      },
      { code: "cycle", pattern: /a.*b.*a/ },
    ],
    [
      "a dangling edge, naming the missing node",
      { nodes: [node("a", "text", { template: "x" })], edges: [edge("a", "ghost")] },
      { code: "dangling_edge", pattern: /ghost/ },
    ],
    [
      "a bad node config, naming the node and field",
      { nodes: [node("fetch", "http", { method: "GET", url: 42 })], edges: [] },
      { code: "invalid_config", pattern: /fetch/, nodeId: "fetch", field: "config.url" },
    ],
    [
      "an unknown node type",
      { nodes: [node("x", "teleport", {})], edges: [] },
      { code: "unknown_type", pattern: /teleport/ },
    ],
  ])("refuses %s with 422 and writes nothing", async (_name, graph, expected) => {
    const before = await tableCounts();
    const response = await stack().api<ErrorBody>("POST", "/api/workflows", { name: "bad", graph });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("invalid_graph");
    expect(response.body.error.requestId).toMatch(/^req_/);
    const issue = response.body.error.issues?.find((i) => i.code === expected.code);
    expect(issue, JSON.stringify(response.body.error.issues)).toBeDefined();
    expect(issue?.message).toMatch(expected.pattern);
    if (expected.code === "cycle") expect(issue?.cyclePath).toEqual(["a", "b", "a"]);
    if ("nodeId" in expected) {
      expect(issue?.nodeId).toBe(expected.nodeId);
      expect(issue?.field).toBe(expected.field);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses an unusable input schema as a validation failure naming inputSchema", async () => {
    const response = await stack().api<ErrorBody>("POST", "/api/workflows", {
      name: "bad schema",
      graph: simpleGraph,
      inputSchema: { type: "string" },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.issues?.[0]?.path).toEqual(["body", "inputSchema"]);
  });

  it("refuses an invalid graph on PUT without creating a version", async () => {
    const before = await tableCounts();
    const response = await stack().api<ErrorBody>("PUT", "/api/workflows/wf_example", {
      graph: { nodes: [node("a", "delay", { duration: "forever" })], edges: [] },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.issues?.[0]).toMatchObject({ nodeId: "a" });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses run input that breaks the workflow's input schema, naming the field, and writes no run", async () => {
    const before = await tableCounts();
    const response = await stack().api<ErrorBody>("POST", "/api/workflows/wf_example/runs", {
      input: { name: 7 },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.issues?.[0]?.path).toEqual(["body", "input", "name"]);
    expect(await tableCounts()).toEqual(before);
  });

  it("answers 400 for malformed JSON and 404 for unknown or malformed ids", async () => {
    const app = stack().app;
    const malformed = await fetch(`${app.url}/api/workflows`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error.code).toBe("invalid_json");

    expect((await stack().api("GET", "/api/workflows/wf_doesnotexist")).status).toBe(404);
    expect((await stack().api("GET", "/api/workflows/not-an-id")).status).toBe(404);
    expect((await stack().api("GET", "/api/runs/run_00000000000000000000000000")).status).toBe(404);
    expect((await stack().api("POST", "/api/workflows/wf_doesnotexist/runs", { input: {} })).status).toBe(
      404,
    );
  });

  it("refuses a body with a NUL character, a non-JSON content type, and answers unknown API paths in JSON", async () => {
    const app = stack().app;
    const before = await tableCounts();
    const nul = await stack().api<ErrorBody>("POST", "/api/workflows/wf_example/runs", {
      input: { name: "a\u0000b" },
    });
    expect(nul.status).toBe(422);
    expect(nul.body.error.issues?.[0]?.path).toEqual(["body", "input", "name"]);

    const wrongType = await fetch(`${app.url}/api/workflows`, {
      method: "POST",
      headers: { "content-type": "application/jsonfoo" },
      body: JSON.stringify({ name: "x", graph: simpleGraph }),
    });
    expect(wrongType.status).toBe(400);
    expect(await tableCounts()).toEqual(before);

    const unknown = await stack().api<ErrorBody>("GET", "/api/nothing/here");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
  });

  it("keeps a sane client request id for tracing and replaces anything else", async () => {
    const app = stack().app;
    const traced = await fetch(`${app.url}/api/workflows/wf_missing`, {
      headers: { "x-request-id": "trace-123" },
    });
    expect(((await traced.json()) as ErrorBody).error.requestId).toBe("trace-123");
    const hostile = await fetch(`${app.url}/api/workflows/wf_missing`, {
      headers: { "x-request-id": "<script>" },
    });
    expect(((await hostile.json()) as ErrorBody).error.requestId).toMatch(/^req_/);
  });

  it("returns the original run for a repeated idempotency key and 409 when the body differs", async () => {
    const body = { input: { name: "Idem" }, idempotencyKey: "order-42" };
    const first = await stack().api<{ runId: string }>("POST", "/api/workflows/wf_example/runs", body);
    const again = await stack().api<{ runId: string }>("POST", "/api/workflows/wf_example/runs", body);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.runId).toBe(first.body.runId);

    const conflict = await stack().api<ErrorBody>("POST", "/api/workflows/wf_example/runs", {
      ...body,
      input: { name: "Other" },
    });
    expect(conflict.status).toBe(409);

    const { getDb } = await import("@/server/db/client");
    const { runs } = await import("@/server/db/schema");
    const rows = await (await getDb()).select().from(runs).where(eq(runs.idempotencyKey, "order-42"));
    expect(rows).toHaveLength(1);
  });
});
