import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { edge, fanOutGraph, get, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { type RunBody, runHelpers, stepOf } from "../helpers/run-helpers";
import { type StackOptions, useStack } from "../helpers/stack";
import { until } from "../helpers/until";

/**
 * The foundation, end to end: real route handlers → local engine → /api/inngest
 * (the unmodified SDK) → database. Shared by every driver × execution mode.
 */

/** Step timing fields of the run answer, which the shared RunBody leaves out. */
type RunStepTimes = RunBody["steps"][number] & {
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};

export function defineRunFlowSuite(options: StackOptions) {
  // Node 20 has no global WebSocket; the SDK's realtime subscriber needs one.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

  describe(`runs end to end (${options.driver}, ${options.mode} mode)`, () => {
    const stack = useStack(options);
    let server: CountingServer;
    beforeAll(async () => {
      server = await startCountingServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    const { createWorkflow, startRun, getRun, runEvents } = runHelpers(stack);
    const step = stepOf;

    it("answers 202 before executing, then runs a parallel fan-out with a flaky node to success", async () => {
      const workflowId = await createWorkflow(fanOutGraph(server.url, "once"));
      const runId = await startRun(workflowId, { name: "Ada" });

      // Nothing has executed yet: the route only queued the run.
      expect(server.hits("/ok/a-once")).toBe(0);

      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
      expect(run.output).toEqual({ a: "a-once", b: "b-once", cHits: 3, yes: "a answered for go Ada" });
      expect(run.counts).toEqual({ nodes: 9, succeeded: 7, failed: 0, skipped: 2 });

      for (const id of ["start", "a", "b", "c", "check", "yes", "join"])
        expect(step(run, id).status).toBe("succeeded");
      expect(step(run, "no").status).toBe("skipped");
      expect(step(run, "no-child").status).toBe("skipped");
      expect(step(run, "start").output).toEqual({ text: "go Ada" });
      expect(step(run, "check").output).toEqual({ result: true });
      expect(step(run, "c").attempt).toBe(2);

      // Each node body ran exactly once; the flaky one once per attempt.
      expect(server.hits("/ok/a-once")).toBe(1);
      expect(server.hits("/ok/b-once")).toBe(1);
      expect(server.hits("/flaky/c-once")).toBe(3);
    });

    it("records an ordered, gap-free event log for the run", async () => {
      const workflowId = await createWorkflow(fanOutGraph(server.url, "events"), { name: "events" });
      const runId = await startRun(workflowId, { name: "Bo" });
      await stack().engine.drain();
      const events = await runEvents(runId);

      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const statuses = events.filter((e) => e.type === "run.status").map((e) => e.data.status);
      expect(statuses).toEqual(["queued", "running", "succeeded"]);
      expect(events.at(-1)?.type).toBe("run.status");

      for (const id of ["start", "a", "b", "c", "check", "yes", "join"]) {
        const types = events.filter((e) => e.nodeId === id).map((e) => e.type);
        expect(types[0], id).toBe("step.started");
        expect(types.at(-1), id).toBe("step.completed");
        expect(
          types.filter((t) => t === "step.completed"),
          id,
        ).toHaveLength(1);
      }
      // Nodes without side effects record start and result in one write: still a start time, an end
      // and a duration, in order.
      const run = await getRun(runId);
      for (const id of ["start", "check", "yes", "join"]) {
        const { startedAt, finishedAt, durationMs } = step(run, id) as RunStepTimes;
        expect(Date.parse(startedAt ?? ""), id).toBeLessThanOrEqual(Date.parse(finishedAt ?? ""));
        expect(durationMs, id).toBeGreaterThanOrEqual(0);
      }
      const cFailures = events.filter((e) => e.nodeId === "c" && e.type === "step.failed");
      expect(cFailures.map((e) => [e.data.attempt, e.data.willRetry])).toEqual([
        [0, true],
        [1, true],
      ]);
      expect(
        events
          .filter((e) => e.type === "step.skipped")
          .map((e) => e.nodeId)
          .sort(),
      ).toEqual(["no", "no-child"]);
    });

    it("completes a one-hour delay by advancing the engine's clock, not by waiting", async () => {
      const workflowId = await createWorkflow({
        nodes: [
          node("wait", "delay", { duration: "1h" }),
          node("after", "http", get(`${server.url}/ok/after`)),
        ],
        edges: [edge("wait", "after")],
      });
      const runId = await startRun(workflowId);
      await stack().engine.settle();
      expect((await getRun(runId)).status).toBe("running");

      await stack().engine.clock.advance(3_600_000 - 1_000);
      await stack().engine.settle();
      expect((await getRun(runId)).status).toBe("running");
      expect(server.hits("/ok/after")).toBe(0);

      await stack().engine.clock.advance(1_000);
      await stack().engine.settle();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(step(run, "wait").output).toEqual({ delayedMs: 3_600_000 });
      expect(server.hits("/ok/after")).toBe(1);
    });

    it("shows a sleeping delay node running from when its sleep began, and its whole sleep as its duration", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("wait", "delay", { duration: "1h" }), node("after", "text", { template: "done" })],
        edges: [edge("wait", "after")],
      });
      const runId = await startRun(workflowId);
      await stack().engine.settle();
      const asleep = step(await getRun(runId), "wait") as RunStepTimes;
      expect(asleep.status).toBe("running");
      expect(asleep.startedAt).toEqual(expect.any(String));
      const events = await runEvents(runId);
      expect(events.filter((e) => e.nodeId === "wait").map((e) => e.type)).toEqual(["step.started"]);

      // The engine's clock is manual, the database's is not: move the recorded start an hour back,
      // as an hour of real sleep would have, so the duration shows where it is measured from.
      const { getDb } = await import("@/server/db/client");
      const { runSteps } = await import("@/server/db/schema");
      const { and, eq, sql } = await import("drizzle-orm");
      await (await getDb())
        .update(runSteps)
        .set({ startedAt: sql`${runSteps.startedAt} - interval '1 hour'` })
        .where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, "wait")));

      await stack().engine.clock.advance(3_600_000);
      await stack().engine.settle();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      const woke = step(run, "wait") as RunStepTimes;
      expect(woke.status).toBe("succeeded");
      expect(woke.durationMs).toBeGreaterThanOrEqual(3_600_000);
      expect(woke.durationMs).toBeLessThan(3_600_000 + 60_000);
      expect(Date.parse(woke.startedAt ?? "")).toBe(Date.parse(asleep.startedAt ?? "") - 3_600_000);
      // One step.started for the node: the one written when the sleep began.
      const after = (await runEvents(runId)).filter((e) => e.nodeId === "wait").map((e) => e.type);
      expect(after).toEqual(["step.started", "step.completed"]);
    });

    it("records a session-API run as `ui` when a page of the app started it, otherwise as `api`", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("only", "text", { template: "hi" })],
        edges: [],
      });
      const start = async (headers: Record<string, string>) => {
        const response = await fetch(`${stack().app.url}/api/workflows/${workflowId}/runs`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ input: {} }),
        });
        expect(response.status).toBe(202);
        const { runId } = (await response.json()) as { runId: string };
        return (await getRun(runId)).trigger;
      };
      expect(await start({ "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" })).toBe("ui");
      expect(await start({})).toBe("api"); // curl, a script
      expect(await start({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" })).toBe("api");
      await stack().engine.drain();
    });

    it("publishes every stored event of a run to the run's realtime channel", async () => {
      const { inngest } = await import("../../inngest/client");
      const { runChannel } = await import("../../inngest/channels");
      const { subscribe } = await import("inngest/realtime");
      const workflowId = await createWorkflow({
        nodes: [node("wait", "delay", { duration: "1m" }), node("after", "text", { template: "done" })],
        edges: [edge("wait", "after")],
      });
      const runId = await startRun(workflowId);
      await stack().engine.settle();

      // Subscribed while the run sleeps: everything after the wait must arrive live.
      type Published = { runId: string; events: Array<{ seq: number; type: string }> };
      const publishes: Published[] = [];
      const subscription = await subscribe({
        app: inngest,
        channel: runChannel({ runId }),
        topics: ["events"],
        onMessage: (message: { kind?: string; data: unknown }) => {
          if (message.kind === "data") publishes.push(message.data as Published);
        },
      });
      // Publishing follows the write off the step's path, so the events from before the sleep may still
      // arrive after the subscription opened: only those after it are compared.
      const received = () =>
        publishes.flatMap((published) => published.events).filter((message) => message.seq > 3);
      try {
        await stack().engine.clock.advance(60_000);
        await stack().engine.settle();
        // Before the subscription: queued, running and the delay's start. Its node step runs after the sleep.
        const stored = (await runEvents(runId)).filter((e) => e.seq > 3);
        expect(stored.map((e) => `${e.type}:${e.nodeId ?? ""}`)).toEqual([
          "step.completed:wait",
          "step.started:after",
          "step.completed:after",
          "run.status:",
        ]);
        await until(() => received().length >= stored.length, "the realtime deliveries");
        expect(received().map((m) => [m.seq, m.type])).toEqual(stored.map((e) => [e.seq, e.type]));
        // The events of one write travel in one publish (the text node's start and result were written
        // together); writes that follow while a publish is on its way join the next one.
        const together = publishes.find((published) =>
          published.events.some((m) => m.type === "step.started" && m.seq > 3),
        );
        expect(together?.events.map((m) => m.type)).toEqual(
          expect.arrayContaining(["step.started", "step.completed"]),
        );
        expect(
          publishes.filter((published) => published.events.some((m) => m.seq > 3)).length,
        ).toBeLessThanOrEqual(3);
      } finally {
        subscription.close();
      }
    });

    it("fails the run with the failing node when a node fails for good, without retrying a 4xx", async () => {
      const workflowId = await createWorkflow({
        nodes: [
          node("bad", "http", get(`${server.url}/status/400`)),
          node("later", "http", get(`${server.url}/ok/later`)),
        ],
        edges: [edge("bad", "later")],
      });
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("failed");
      expect(run.error?.nodeId).toBe("bad");
      expect(run.error?.message).toMatch(/400/);
      expect(run.error?.code).toEqual(expect.any(String));
      expect(step(run, "bad").status).toBe("failed");
      expect(step(run, "later").status).toBe("cancelled");
      expect(server.hits("/status/400")).toBe(1);
      expect(server.hits("/ok/later")).toBe(0);
    });

    it("fails a node whose output is too large once, without retrying, with the reason and its code", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("huge", "transform", { expression: '$pad("x", 17000000)' })],
        edges: [],
      });
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("failed");
      expect(run.error).toMatchObject({ nodeId: "huge", code: "output_too_large" });
      expect(step(run, "huge")).toMatchObject({ status: "failed", attempt: 0, output: null });
    });

    it("round-trips a 2 MB output: stored out of line, resolved for the next node and for the API", async () => {
      const workflowId = await createWorkflow({
        nodes: [
          node("big", "transform", { expression: '$pad("x", 2000000)' }),
          node("measure", "transform", { expression: "$length(nodes.big)" }),
        ],
        edges: [edge("big", "measure")],
      });
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(step(run, "measure").output).toBe(2_000_000);
      expect((step(run, "big").output as string).length).toBe(2_000_000);

      // What Inngest memoized for the big node is a small reference, far below its 4 MB step limit.
      const engineRun = stack()
        .engine.listRuns()
        .find((r) => (r.event.data as { runId?: string }).runId === runId);
      const memoized = engineRun?.steps.find((s) => s.name === "node:big")?.output;
      expect(JSON.stringify(memoized).length).toBeLessThan(200);
      expect(memoized).toMatchObject({ $ref: expect.stringMatching(/^out_/), sizeBytes: 2_000_002 });
    });

    it("stores a fetched body containing a NUL character (as U+FFFD) instead of failing to save it", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("nul", "http", get(`${server.url}/nul`))],
        edges: [],
      });
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect((step(run, "nul").output as { body: string }).body).toBe("before\ufffdafter");
      expect(server.hits("/nul")).toBe(1);
    });

    it("stores an output with an unpaired surrogate (as U+FFFD) in one attempt instead of failing to save it", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("cut", "transform", { expression: '{ "half": "\\ud83d", "whole": "\\ud83d\\ude00" }' })],
        edges: [],
      });
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(step(run, "cut")).toMatchObject({ status: "succeeded", attempt: 0 });
      expect(step(run, "cut").output).toEqual({ half: "\ufffd", whole: "😀" });
    });

    it("does not repeat a node whose result was stored when Inngest retries its step", async () => {
      const workflowId = await createWorkflow({
        nodes: [
          node("wait", "delay", { duration: "1h" }),
          node("call", "http", get(`${server.url}/ok/once-only`)),
        ],
        edges: [edge("wait", "call")],
      });
      const runId = await startRun(workflowId);
      await stack().engine.settle();

      // The node's step body runs and stores its result, but (as if the answer to Inngest were lost)
      // the executor will run the step again after the sleep.
      const { getDb } = await import("@/server/db/client");
      const { executeNodeStep } = await import("@/server/runs/execute-node-step");
      const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
      const { WorkflowGraphSchema } = await import("@/engine");
      const graph = WorkflowGraphSchema.parse({
        nodes: [node("call", "http", get(`${server.url}/ok/once-only`))],
        edges: [],
      });
      const callNode = graph.nodes[0];
      if (!callNode) throw new Error("no node");
      const args = {
        runId,
        workspaceId: LOCAL_WORKSPACE_ID,
        node: callNode,
        scope: { input: {}, nodes: {} },
        attempt: 0,
        maxAttempts: 5,
        publish: async () => {},
      };
      const first = await executeNodeStep(await getDb(), args);
      expect(await executeNodeStep(await getDb(), { ...args, attempt: 1 })).toEqual(first);

      await stack().engine.clock.advance(3_600_000);
      await stack().engine.settle();
      expect((await getRun(runId)).status).toBe("succeeded");
      expect(server.hits("/ok/once-only")).toBe(1);
    });

    it("marks the run failed when the function itself fails, instead of leaving it running", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("only", "text", { template: "x" })],
        edges: [],
      });
      // A stored graph that no longer parses (as after an incompatible change) fails outside any node.
      const { getDb } = await import("@/server/db/client");
      const { workflowVersions } = await import("@/server/db/schema");
      const { eq } = await import("drizzle-orm");
      await (await getDb())
        .update(workflowVersions)
        .set({ graph: { nodes: [{ id: "only", type: "text", data: { config: {} } }], edges: [] } })
        .where(eq(workflowVersions.workflowId, workflowId));
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("failed");
      expect(run.error?.code).toBe("execution_failed");
      expect(run.error?.message).toMatch(/Execution failed/);
    });

    it("retries a failing node up to its attempts, then fails the run", async () => {
      const workflowId = await createWorkflow({
        nodes: [node("down", "http", get(`${server.url}/flaky/down?fail=100`))],
        edges: [],
      });
      const runId = await startRun(workflowId);
      await stack().engine.drain();
      const run = await getRun(runId);
      expect(run.status).toBe("failed");
      expect(run.error?.nodeId).toBe("down");
      expect(step(run, "down")).toMatchObject({ status: "failed", attempt: 4 });
      expect(server.hits("/flaky/down")).toBe(5);
    });
  });
}
