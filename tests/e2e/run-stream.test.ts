import { beforeAll, describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { useNextApp } from "../helpers/next-app";
import { openSse } from "../helpers/sse-client";

/**
 * Live run streams through `next start`: Next streams the route's body as it
 * is written, the server-side realtime subscription works inside Next's
 * runtime (Node 20, `ws` as WebSocket), and the run page renders its log.
 */
describe("run streams through next start", () => {
  const app = useNextApp({});
  beforeAll(async () => {
    // Runs execute only once the engine knows the app's functions.
    await app().engine.syncApp(`${app().url}/api/inngest`);
  });

  async function startSleepingRun() {
    const graph = {
      nodes: [node("wait", "delay", { duration: "1m" }), node("after", "text", { template: "done" })],
      edges: [edge("wait", "after")],
    };
    const workflow = await app().call<{ id: string }>("POST", "/api/workflows", {
      body: { name: "live", graph },
    });
    expect(workflow.status, workflow.text).toBe(201);
    const run = await app().call<{ runId: string }>("POST", `/api/workflows/${workflow.body.id}/runs`, {
      body: { input: {} },
    });
    expect(run.status, run.text).toBe(202);
    await app().engine.settle();
    return run.body.runId;
  }

  it("replays, relays live events from realtime, then ends", async () => {
    const runId = await startSleepingRun();
    const sse = await openSse(`${app().url}/api/runs/${runId}/stream`);
    try {
      expect(sse.status).toBe(200);
      await sse.until((frames) => frames.some((f) => f.id === "2"), 10_000);
      await app().engine.clock.advance(60_000);
      await app().engine.settle();
      await sse.until((frames) => frames.some((f) => f.event === "end"), 10_000);
      await sse.ended;
      const ids = sse.events().map((f) => Number(f.id));
      expect(ids).toEqual(ids.map((_, i) => i + 1));
      expect(sse.events().at(-1)?.event).toBe("run.status");
    } finally {
      sse.close();
    }
  });

  it("renders the run page with its events, and 404 for a run that is not there", async () => {
    const runId = await startSleepingRun();
    const page = await app().call("GET", `/runs/${runId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(runId);
    expect(page.text).toContain("run.status");
    const token = await app().call<{ channel: string }>("POST", `/api/runs/${runId}/realtime-token`);
    expect(token.status, token.text).toBe(200);
    expect(token.body.channel).toBe(`run:${runId}`);
    const missing = await app().call("GET", "/runs/run_00000000000000000000000000");
    expect(missing.status).toBe(404);
  });
});
