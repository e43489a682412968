import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, get, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { useStack } from "../helpers/stack";

type Run = {
  id: string;
  status: string;
  output: unknown;
  version: number;
  sourceRunId: string | null;
  reusedNodeIds: string[];
  steps: Array<{ nodeId: string; status: string; output: unknown }>;
};
type Diff = { nodes: Array<{ nodeId: string; change: string; before: unknown; after: unknown }> };

/** Partial runs: re-execute a node and its descendants, reuse the source run's outputs upstream. */
describe("re-running from a node", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  let server: CountingServer;
  let workflowId = "";
  let sourceRunId = "";

  const graph = (template: string) => ({
    nodes: [
      node("fetch", "http", get(`${server.url}/ok/upstream`)),
      node("shape", "text", { template }),
      node("post", "http", get(`${server.url}/ok/downstream`)),
    ],
    edges: [edge("fetch", "shape"), edge("shape", "post")],
  });

  async function start(body: Record<string, unknown>) {
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${workflowId}/runs`, body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await stack().engine.drain();
    return (await stack().api<Run>("GET", `/api/runs/${started.body.runId}`)).body;
  }

  beforeAll(async () => {
    server = await startCountingServer();
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", {
      name: "rerun",
      graph: graph("{{ nodes.fetch.body.name }} for {{ input.who }}"),
    });
    workflowId = created.body.id;
    const source = await start({ input: { who: "Ada" } });
    expect(source.status).toBe("succeeded");
    sourceRunId = source.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("executes the node and its descendants again and nothing upstream", async () => {
    const upstreamBefore = server.hits("/ok/upstream");
    const rerun = await start({ fromNodeId: "shape", sourceRunId });
    expect(rerun.status).toBe("succeeded");
    expect(server.hits("/ok/upstream") - upstreamBefore).toBe(0);
    expect(rerun.steps.map((s) => s.nodeId).sort()).toEqual(["post", "shape"]);
    expect(rerun.steps.find((s) => s.nodeId === "shape")?.output).toEqual({ text: "upstream for Ada" });
    expect(rerun).toMatchObject({ sourceRunId, reusedNodeIds: ["fetch"], version: 1 });
  });

  it("shows per-node differences from the source run", async () => {
    const rerun = await start({ fromNodeId: "shape", sourceRunId, input: { who: "Grace" } });
    const diff = await stack().api<Diff>("GET", `/api/runs/${rerun.id}/diff`);
    expect(diff.status).toBe(200);
    const byNode = Object.fromEntries(diff.body.nodes.map((n) => [n.nodeId, n]));
    expect(byNode.fetch?.change).toBe("reused");
    expect(byNode.shape).toMatchObject({
      change: "changed",
      before: { text: "upstream for Ada" },
      after: { text: "upstream for Grace" },
    });
  });

  it("stands an edited output in for the node without executing it, and runs only its descendants", async () => {
    const upstreamBefore = server.hits("/ok/upstream");
    const downstreamBefore = server.hits("/ok/downstream");
    const edited = { status: 200, body: { name: "edited" } };
    const rerun = await start({ fromNodeId: "fetch", sourceRunId, output: edited });
    expect(rerun.status).toBe("succeeded");
    // The edited node's body did not run; its descendants did, and saw the edited value.
    expect(server.hits("/ok/upstream") - upstreamBefore).toBe(0);
    expect(server.hits("/ok/downstream") - downstreamBefore).toBe(1);
    expect(rerun.steps.map((s) => s.nodeId).sort()).toEqual(["post", "shape"]);
    expect(rerun.steps.find((s) => s.nodeId === "shape")?.output).toEqual({ text: "edited for Ada" });

    const diff = await stack().api<Diff>("GET", `/api/runs/${rerun.id}/diff`);
    const byNode = Object.fromEntries(diff.body.nodes.map((n) => [n.nodeId, n]));
    const source = (await stack().api<Run>("GET", `/api/runs/${sourceRunId}`)).body;
    expect(byNode.fetch).toEqual({
      nodeId: "fetch",
      change: "edited",
      before: source.steps.find((s) => s.nodeId === "fetch")?.output,
      after: edited,
    });
    expect(byNode.shape).toMatchObject({
      change: "changed",
      before: { text: "upstream for Ada" },
      after: { text: "edited for Ada" },
    });
    expect(diff.body.nodes.filter((n) => n.change === "reused")).toEqual([]);
  });

  it("refuses an edited output without a re-run, for a node not in the version, or too large, writing nothing", async () => {
    const { getDb } = await import("@/server/db/client");
    const { runs } = await import("@/server/db/schema");
    const count = async () => (await (await getDb()).select().from(runs)).length;
    const before = await count();
    const post = (body: unknown) =>
      stack().api<{ error: { code: string; message: string; issues?: Array<{ path: unknown[] }> } }>(
        "POST",
        `/api/workflows/${workflowId}/runs`,
        body,
      );
    const alone = await post({ output: { x: 1 } });
    expect(alone.status).toBe(422);
    expect(alone.body.error.issues?.[0]?.path).toEqual(["body", "output"]);
    expect((await post({ fromNodeId: "nope", sourceRunId, output: 1 })).status).toBe(422);
    const sink = await post({ fromNodeId: "post", sourceRunId, output: 1 });
    expect(sink.status).toBe(422);
    expect(sink.body.error.message).toContain("body.output");
    const tooLarge = await post({ fromNodeId: "fetch", sourceRunId, output: "x".repeat(300 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toContain("body.output");
    expect(await count()).toBe(before);
  });

  it("stays on the source run's version unless asked for the latest", async () => {
    await stack().api("PUT", `/api/workflows/${workflowId}`, { graph: graph("v2: {{ input.who }}") });
    const pinned = await start({ fromNodeId: "shape", sourceRunId });
    expect(pinned.version).toBe(1);
    expect(pinned.steps.find((s) => s.nodeId === "shape")?.output).toEqual({ text: "upstream for Ada" });
    const latest = await start({ fromNodeId: "shape", sourceRunId, version: "latest" });
    expect(latest.version).toBe(2);
    expect(latest.steps.find((s) => s.nodeId === "shape")?.output).toEqual({ text: "v2: Ada" });
  });

  it("refuses incomplete or mismatched re-run requests, writing nothing", async () => {
    const { getDb } = await import("@/server/db/client");
    const { runs } = await import("@/server/db/schema");
    const count = async () => (await (await getDb()).select().from(runs)).length;
    const before = await count();
    const post = (body: unknown) =>
      stack().api<{ error: { code: string } }>("POST", `/api/workflows/${workflowId}/runs`, body);
    expect((await post({ fromNodeId: "shape" })).status).toBe(422);
    expect((await post({ fromNodeId: "nope", sourceRunId })).status).toBe(422);
    const other = await stack().api<{ id: string }>("POST", "/api/workflows", {
      name: "other",
      graph: graph("x"),
    });
    const otherRun = await stack().api<{ runId: string }>("POST", `/api/workflows/${other.body.id}/runs`, {
      input: {},
    });
    await stack().engine.drain();
    const afterOther = await count();
    expect((await post({ fromNodeId: "shape", sourceRunId: otherRun.body.runId })).status).toBe(422);
    expect(await count()).toBe(afterOther);
    expect(afterOther).toBe(before + 1);

    const noSource = await stack().api<{ error: { code: string } }>("GET", `/api/runs/${sourceRunId}/diff`);
    expect(noSource.status).toBe(409);
  });
});
