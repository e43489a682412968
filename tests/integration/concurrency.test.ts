import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { useStack } from "../helpers/stack";
import { until } from "../helpers/until";

/** A workspace's runs share RUN_CONCURRENCY_PER_WORKSPACE execution slots; other workspaces are not held up. */
describe("fair concurrency per workspace", () => {
  process.env.RUN_CONCURRENCY_PER_WORKSPACE = "1";
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  let server: CountingServer;
  beforeAll(async () => {
    server = await startCountingServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const holding = (name: string) => ({
    nodes: [node("call", "http", { method: "GET", url: `${server.url}/hold/${name}`, timeoutMs: 30_000 })],
    edges: [],
  });

  async function startIn(workspaceId: string, name: string): Promise<string> {
    const { getDb } = await import("@/server/db/client");
    const { createWorkflow } = await import("@/server/workflows/create-workflow");
    const { startRun } = await import("@/server/runs/start-run");
    const { workspaces } = await import("@/server/db/schema");
    const db = await getDb();
    await db
      .insert(workspaces)
      .values({ id: workspaceId, name: workspaceId, kind: "personal", externalId: workspaceId })
      .onConflictDoNothing();
    const workflow = await createWorkflow(db, {
      workspaceId,
      body: { name, description: "", tags: [], graph: holding(name), inputSchema: null },
    });
    const { run } = await startRun(db, {
      workspaceId,
      workflowId: workflow.id,
      body: { input: {} },
      trigger: "api",
    });
    return run.runId;
  }

  it("runs one workspace's runs one step at a time while another workspace's run goes ahead", async () => {
    await startIn("ws_busy", "a");
    await startIn("ws_busy", "b");
    await startIn("ws_other", "c");

    // The other workspace's run and one of the busy workspace's runs are in flight; the second waits.
    await until(
      () =>
        server.holdLog.includes("arrive:c") &&
        server.holdLog.filter((e) => e.startsWith("arrive:")).length >= 2,
      "two requests",
    );
    const busyFirst = server.holdLog.includes("arrive:a") ? "a" : "b";
    const busySecond = busyFirst === "a" ? "b" : "a";
    expect(server.holdLog).not.toContain(`arrive:${busySecond}`);

    server.release("c");
    server.release(busyFirst);
    await until(
      () => server.holdLog.includes(`arrive:${busySecond}`),
      "the second run of the busy workspace",
    );
    const log = server.holdLog;
    expect(log.indexOf(`arrive:${busySecond}`)).toBeGreaterThan(log.indexOf(`release:${busyFirst}`));

    server.release(busySecond);
    await stack().engine.drain();
    const runs = stack().engine.listRuns();
    expect(runs.filter((run) => run.status === "Completed")).toHaveLength(3);
  });
});
