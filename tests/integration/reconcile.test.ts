import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, get, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { runHelpers } from "../helpers/run-helpers";
import { useStack } from "../helpers/stack";

/**
 * The reconciler and retention through the real stack: route handlers, the local
 * engine (manual clock) answering Inngest's REST calls, and the database. Stuck
 * runs are made the way they get stuck in life: a start event that was never
 * sent, one Inngest accepted and dropped, an execution Inngest lost.
 */

const CRON_SECRET = "cron-secret-for-tests-0123456789";
process.env.CRON_SECRET = CRON_SECRET;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("reconciler and retention", () => {
  const stack = useStack({ driver: "pglite" });
  const { createWorkflow, startRun, getRun, runEvents } = runHelpers(stack);
  let sink: CountingServer;

  beforeAll(async () => {
    sink = await startCountingServer();
  });
  afterAll(async () => {
    await sink?.close();
  });

  const db = async () => (await import("@/server/db/client")).getDb();
  const reconcile = async (aheadMs: number) => {
    const { reconcileRuns } = await import("@/server/reconcile/reconcile-runs");
    return reconcileRuns(await db(), { now: new Date(Date.now() + aheadMs) });
  };
  const decisionsFor = (report: { decisions: Array<{ runId: string; action: string }> }, runId: string) =>
    report.decisions.filter((d) => d.runId === runId).map((d) => d.action);

  /** A queued run whose start event never left, as after a send that timed out. */
  async function undispatchedRun(workflowId: string) {
    const { getWorkflowWithCurrentVersion } = await import("@/server/workflows/queries");
    const { insertQueuedRun } = await import("@/server/runs/insert-queued-run");
    const { version } = await getWorkflowWithCurrentVersion(await db(), "ws_local", workflowId);
    const run = await insertQueuedRun(await db(), version, {
      trigger: "api",
      input: {},
      nodeCount: 2,
    });
    return run.id;
  }

  /** A run waiting (up to 30 days) for a person to approve its `ask` node. */
  async function waitingApprovalRun() {
    const workflowId = await createWorkflow({
      nodes: [
        node("ask", "approval", { message: "ok?", timeout: "30d" }),
        node("after", "text", { template: "decided {{ nodes.ask.decision }}" }),
      ],
      edges: [{ id: "ask-after", source: "ask", target: "after", sourceHandle: "approved" }],
    });
    const runId = await startRun(workflowId);
    await stack().engine.settle();
    expect((await getRun(runId)).status).toBe("waiting");
    return runId;
  }

  function httpThenDelay(tag: string, delay = "1h") {
    return {
      nodes: [
        node("call", "http", get(`${sink.url}/ok/${tag}`)),
        node("wait", "delay", { duration: delay }),
        node("done", "transform", { expression: "nodes.call.status" }),
      ],
      edges: [edge("call", "wait"), edge("wait", "done")],
    };
  }

  it("answers 401 to a cron call without the secret, and a report with it", async () => {
    const call = (authorization?: string) =>
      fetch(`${stack().app.url}/api/cron/reconcile`, {
        headers: authorization ? { authorization } : {},
      });
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await call(`Bearer ${CRON_SECRET}x`)).status).toBe(401);
    expect((await call(CRON_SECRET)).status).toBe(401);

    const ok = await call(`Bearer ${CRON_SECRET}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ examined: expect.any(Number), decisions: expect.any(Array) });
    const retention = await fetch(`${stack().app.url}/api/cron/retention`, {
      headers: { authorization: `Bearer ${CRON_SECRET}` },
    });
    expect(retention.status).toBe(200);
    expect(await retention.json()).toMatchObject({
      deleted: expect.any(Number),
      deliveries: expect.any(Number),
      more: false,
    });
  });

  it("sends a never-dispatched run once, even when two reconcilers run at once, and it finishes", async () => {
    const workflowId = await createWorkflow({
      nodes: [node("a", "text", { template: "hi" }), node("b", "transform", { expression: "nodes.a.text" })],
      edges: [edge("a", "b")],
    });
    const runId = await undispatchedRun(workflowId);
    // Too young to be touched.
    expect(decisionsFor(await reconcile(0), runId)).toEqual([]);

    const [first, second] = await Promise.all([reconcile(2 * MINUTE), reconcile(2 * MINUTE)]);
    expect([...decisionsFor(first, runId), ...decisionsFor(second, runId)]).toEqual(["dispatched"]);
    await stack().engine.settle();
    const run = await getRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe("hi");
    const reconciled = (await runEvents(runId)).filter((e) => e.type === "run.reconciled");
    expect(reconciled.map((e) => e.data.action)).toEqual(["dispatched"]);
    // Looked at once per threshold: a second call right away does nothing to it.
    expect(decisionsFor(await reconcile(2 * MINUTE), runId)).toEqual([]);
  });

  it("re-sends, with a new event id, a run whose accepted start event started nothing", async () => {
    const workflowId = await createWorkflow({
      nodes: [node("a", "text", { template: "dropped once" })],
      edges: [],
    });
    const runId = await undispatchedRun(workflowId);
    // Inngest accepted an event for it, which started nothing: what a listener that drops events leaves.
    const { ids } = await stack().engine.sendEvent({ name: "test/ignored", data: {} });
    const { runs } = await import("@/server/db/schema");
    await (await db())
      .update(runs)
      .set({ dispatchAttempts: 1, dispatchEventId: ids[0], dispatchedAt: new Date() })
      .where(sql`${runs.id} = ${runId}`);

    expect(decisionsFor(await reconcile(2 * MINUTE), runId)).toEqual(["redispatched"]);
    await stack().engine.settle();
    expect((await getRun(runId)).status).toBe("succeeded");
  });

  it("leaves a long sleep alone, and hands a run whose execution Inngest lost to a new one without repeating a node", async () => {
    const tag = "lost";
    const workflowId = await createWorkflow(httpThenDelay(tag));
    const runId = await startRun(workflowId);
    await stack().engine.settle();
    expect(sink.hits(`/ok/${tag}`)).toBe(1);
    expect((await getRun(runId)).status).toBe("running");

    // Sleeping for an hour with no progress is not stuck: Inngest says the execution is live.
    expect(decisionsFor(await reconcile(10 * MINUTE), runId)).toEqual(["left_alone"]);

    // The execution is gone from Inngest (cancelled there, as when its state is lost).
    const { runs } = await import("@/server/db/schema");
    const [row] = await (await db()).select().from(runs).where(sql`${runs.id} = ${runId}`);
    const lost = row?.executionId ?? "";
    expect(stack().engine.cancelRun(lost)).toBe(true);
    await stack().engine.settle();

    expect(decisionsFor(await reconcile(30 * MINUTE), runId)).toEqual(["redriven"]);
    await stack().engine.settle();
    await stack().engine.clock.advance(HOUR);
    await stack().engine.settle();

    const run = await getRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe(200);
    // The HTTP node finished before the loss: the new execution reused its stored result.
    expect(sink.hits(`/ok/${tag}`)).toBe(1);
    const [after] = await (await db()).select().from(runs).where(sql`${runs.id} = ${runId}`);
    expect(after?.executionId).not.toBe(lost);
    const reconciled = (await runEvents(runId)).filter((e) => e.type === "run.reconciled");
    expect(reconciled.map((e) => e.data.action)).toEqual(["redriven"]);
    expect(reconciled[0]?.data.previousExecutionId).toBe(lost);
  });

  it("runs one execution per run when the start event is re-sent after Inngest's 24-hour dedup window", async () => {
    const runId = await waitingApprovalRun();
    const before = await runEvents(runId);

    await stack().engine.clock.advance(25 * HOUR);
    const { ids } = await stack().engine.sendEvent({
      name: "workflow/run.requested",
      id: runId,
      data: { runId, workspaceId: "ws_local" },
    });
    await stack().engine.settle();
    const executions = stack()
      .engine.listRuns({ functionId: "stepwise-execute-run" })
      .filter((r) => (r.event.data as { runId?: string }).runId === runId);
    // Past the window Inngest starts a second function run; it found the run claimed and wrote nothing.
    expect(executions).toHaveLength(2);
    const second = executions.find((r) => r.eventId === ids[0]);
    expect(second?.status).toBe("Completed");
    expect(second?.output).toMatchObject({ skipped: "claimed" });
    expect(await runEvents(runId)).toHaveLength(before.length);

    const decided = await stack().api("POST", `/api/runs/${runId}/approvals/ask`, { decision: "approve" });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await stack().engine.settle();
    const run = await getRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual({ text: "decided approved" });
    const statuses = (await runEvents(runId))
      .filter((e) => e.type === "run.status")
      .map((e) => e.data.status);
    expect(statuses).toEqual(["queued", "running", "waiting", "running", "succeeded"]);
  });

  it("re-drives a run whose execution was lost after its approval was decided, without waiting again", async () => {
    const runId = await waitingApprovalRun();

    // Inngest loses the execution; the person decides meanwhile, and the decision event reaches nobody.
    const { runs } = await import("@/server/db/schema");
    const [row] = await (await db()).select().from(runs).where(sql`${runs.id} = ${runId}`);
    expect(stack().engine.cancelRun(row?.executionId ?? "")).toBe(true);
    await stack().engine.settle();
    const decided = await stack().api("POST", `/api/runs/${runId}/approvals/ask`, { decision: "approve" });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await stack().engine.settle();
    expect((await getRun(runId)).status).not.toBe("succeeded");

    expect(decisionsFor(await reconcile(30 * MINUTE), runId)).toEqual(["redriven"]);
    // No clock advance: the new execution finds the stored decision instead of waiting 30 days for it.
    await stack().engine.settle();
    const run = await getRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual({ text: "decided approved" });
  });

  it("deletes finished runs past retention in batches, with their steps and events, keeping pinned and recent ones", async () => {
    const workflowId = await createWorkflow({ nodes: [node("a", "text", { template: "x" })], edges: [] });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await startRun(workflowId));
    await stack().engine.settle();
    const [oldA, oldB, pinned, recent] = ids as [string, string, string, string];
    const { runs, runEvents: events, runSteps } = await import("@/server/db/schema");
    const database = await db();
    await database
      .update(runs)
      .set({ finishedAt: sql`now() - interval '31 days'` })
      .where(sql`${runs.id} in (${oldA}, ${oldB}, ${pinned})`);
    const pin = await stack().api<{ runId: string; pinned: boolean }>("PUT", `/api/runs/${pinned}/pin`);
    expect(pin.status, JSON.stringify(pin.body)).toBe(200);
    expect(pin.body).toEqual({ runId: pinned, pinned: true });
    // Pinned and unpinned again: retention applies to it like any other.
    await stack().api("PUT", `/api/runs/${oldB}/pin`);
    expect((await stack().api("DELETE", `/api/runs/${oldB}/pin`)).body).toEqual({
      runId: oldB,
      pinned: false,
    });
    expect((await stack().api("PUT", "/api/runs/run_00000000000000000000000000/pin")).status).toBe(404);

    // Webhook deliveries keep request bodies: they go after the same number of days.
    const { webhookDeliveries, webhookEndpoints } = await import("@/server/db/schema");
    const [workflowRow] = await database.select().from(runs).where(sql`${runs.id} = ${recent}`);
    await database.insert(webhookEndpoints).values({
      id: "wh_retention",
      workspaceId: workflowRow?.workspaceId ?? "",
      workflowId,
      name: "retention",
      keyId: "k1",
      secretCiphertext: "unused",
    });
    const delivery = (id: string, daysAgo: number) => ({
      id,
      workspaceId: workflowRow?.workspaceId ?? "",
      endpointId: "wh_retention",
      outcome: "accepted" as const,
      status: 202,
      body: "{}",
      receivedAt: sql`now() - make_interval(days => ${daysAgo})`,
    });
    await database.insert(webhookDeliveries).values([delivery("whd_old", 31), delivery("whd_recent", 1)]);

    const { applyRetention } = await import("@/server/retention/apply-retention");
    const first = await applyRetention(database, { limit: 1 });
    expect(first).toEqual({ deleted: 1, deliveries: 1, more: true });
    const second = await applyRetention(database, { limit: 10 });
    expect(second.deleted).toBeGreaterThanOrEqual(1);
    const deliveriesLeft = await database.select({ id: webhookDeliveries.id }).from(webhookDeliveries);
    expect(deliveriesLeft.map((row) => row.id)).toEqual(["whd_recent"]);

    const left = await database
      .select({ id: runs.id })
      .from(runs)
      .where(sql`${runs.id} in (${oldA}, ${oldB}, ${pinned}, ${recent})`);
    expect(left.map((r) => r.id).sort()).toEqual([pinned, recent].sort());
    const orphans = await database
      .select({ n: sql<number>`count(*)::int` })
      .from(runSteps)
      .where(sql`${runSteps.runId} in (${oldA}, ${oldB})`);
    expect(orphans[0]?.n).toBe(0);
    const orphanEvents = await database
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(sql`${events.runId} in (${oldA}, ${oldB})`);
    expect(orphanEvents[0]?.n).toBe(0);
    expect((await stack().api("GET", `/api/runs/${oldA}`)).status).toBe(404);
  });
});
