import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, get, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { useStack } from "../helpers/stack";

type Run = {
  status: string;
  error: { code?: string; message: string; nodeId?: string } | null;
  steps: Array<{ nodeId: string; status: string; attempt: number; output: unknown }>;
};

/** Per-node settings: retries, backoff, timeout and continue-on-error. */
describe("node settings", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  let server: CountingServer;
  beforeAll(async () => {
    server = await startCountingServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  function withSettings(base: ReturnType<typeof node>, settings: Record<string, unknown>) {
    return { ...base, data: { ...base.data, settings } };
  }

  async function run(graph: unknown, advance: "drain" | "settle" = "drain") {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "settings", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      input: {},
    });
    if (advance === "drain") await stack().engine.drain();
    else await stack().engine.settle();
    return started.body.runId;
  }

  async function getRun(runId: string) {
    return (await stack().api<Run>("GET", `/api/runs/${runId}`)).body;
  }

  it("retries a node only as often as its settings say", async () => {
    const runId = await run({
      nodes: [
        withSettings(node("flaky", "http", get(`${server.url}/flaky/one-retry?fail=5`)), { retries: 1 }),
      ],
      edges: [],
    });
    const result = await getRun(runId);
    expect(result.status).toBe("failed");
    expect(result.steps[0]).toMatchObject({ status: "failed", attempt: 1 });
    expect(server.hits("/flaky/one-retry")).toBe(2);
  });

  it("never retries a node set to 0 retries", async () => {
    const runId = await run({
      nodes: [withSettings(node("once", "http", get(`${server.url}/flaky/no-retry?fail=5`)), { retries: 0 })],
      edges: [],
    });
    expect((await getRun(runId)).status).toBe("failed");
    expect(server.hits("/flaky/no-retry")).toBe(1);
  });

  it("waits the node's backoff before retrying", async () => {
    const runId = await run(
      {
        nodes: [
          withSettings(node("slow-retry", "http", get(`${server.url}/flaky/backoff?fail=1`)), {
            retries: 2,
            backoffMs: 60_000,
          }),
        ],
        edges: [],
      },
      "settle",
    );
    expect(server.hits("/flaky/backoff")).toBe(1);
    await stack().engine.clock.advance(59_000);
    await stack().engine.settle();
    expect(server.hits("/flaky/backoff")).toBe(1);
    await stack().engine.clock.advance(1_000);
    await stack().engine.settle();
    expect(server.hits("/flaky/backoff")).toBe(2);
    expect((await getRun(runId)).status).toBe("succeeded");
  });

  it("fails an attempt that outlives the node's timeout", async () => {
    const hanging = { method: "GET", url: `${server.url}/hang`, timeoutMs: 60_000 };
    const runId = await run({
      nodes: [withSettings(node("stuck", "http", hanging), { timeoutMs: 100, retries: 0 })],
      edges: [],
    });
    const result = await getRun(runId);
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ nodeId: "stuck", code: "timeout" });
  });

  it("goes on past a continue-on-error node and ends partial", async () => {
    const runId = await run({
      nodes: [
        withSettings(node("optional", "http", get(`${server.url}/status/400`)), { continueOnError: true }),
        node("after", "text", {
          template: "optional said {{ $exists(nodes.optional) ? 'something' : 'nothing' }}",
        }),
      ],
      edges: [edge("optional", "after")],
    });
    const result = await getRun(runId);
    expect(result.status).toBe("partial");
    expect(result.error).toMatchObject({ code: "nodes_failed" });
    expect(result.error?.message).toMatch(/optional/);
    const byId = Object.fromEntries(result.steps.map((s) => [s.nodeId, s]));
    expect(byId.optional?.status).toBe("failed");
    expect(byId.after).toMatchObject({ status: "succeeded", output: { text: "optional said nothing" } });
  });

  it("refuses invalid settings when the workflow is saved, naming the node", async () => {
    const response = await stack().api<{ error: { issues: Array<{ nodeId?: string; message: string }> } }>(
      "POST",
      "/api/workflows",
      {
        name: "bad",
        graph: { nodes: [withSettings(node("n", "text", { template: "x" }), { retries: 99 })], edges: [] },
      },
    );
    expect(response.status).toBe(422);
    expect(response.body.error.issues[0]?.nodeId).toBe("n");
  });
});
