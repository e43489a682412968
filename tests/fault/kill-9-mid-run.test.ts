import { afterAll, describe, expect, inject, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import {
  createDataDirs,
  type DataDirs,
  type Launcher,
  restartLauncher,
  startLauncher,
} from "../helpers/embedded-app";
import { groupMembers } from "../helpers/process-group";
import type { RunBody } from "../helpers/run-helpers";
import {
  createWorkflow,
  getRun,
  isTerminal,
  startRun,
  statusSummary,
  waitForRuns,
} from "../helpers/run-waits";

/**
 * `npm start`, 20 runs in flight, then `kill -9` of the whole process group
 * (engine and Next together, as a crash or an OOM kill does), and `npm start`
 * again on the same data directories. Everything is observed the way a user
 * would: through the app's HTTP API and a sink that stands for the outside
 * world the workflows call. Then `kill -9` of the launcher alone, which leaves
 * Next orphaned: it has to notice and stop, or the next start finds the
 * database locked and the port taken.
 */

const RUNS_WITH_DELAY = 16;
const RUNS_WITH_APPROVAL = 4;
/** How long Next may outlive a killed launcher. */
const ORPHAN_BOUND_MS = 15_000;

// Short reconciler periods so a run whose dispatch was lost is picked up within the test.
const ENV = {
  RECONCILE_INTERVAL_S: "2",
  RECONCILE_QUEUED_AFTER_S: "5",
  RECONCILE_STALLED_AFTER_S: "10",
  INNGEST_SEND_TIMEOUT_MS: "3000",
};

/** An HTTP node whose side effect is keyed by run (the tag) and node, so the sink can tell them apart. */
function effect(sinkUrl: string, id: string, delayMs: string) {
  return node(id, "http", {
    method: "POST",
    url: `${sinkUrl}/effect/{{ input.tag }}/${id}?ms=${delayMs}`,
    body: '{"run":"{{ input.tag }}"}',
    headers: { "content-type": "application/json" },
    timeoutMs: 20_000,
  });
}

/** call (slow) ─► wait 6 s ─► call again ─► join */
function delayGraph(sinkUrl: string) {
  return {
    nodes: [
      effect(sinkUrl, "charge", "{{ input.ms }}"),
      node("wait", "delay", { duration: "6s" }),
      effect(sinkUrl, "notify", "200"),
      node("join", "transform", {
        expression: '{ "charge": nodes.charge.body.effectId, "notify": nodes.notify.body.effectId }',
      }),
    ],
    edges: [edge("charge", "wait"), edge("wait", "notify"), edge("notify", "join")],
  };
}

/** call ─► approval ─approved─► call again;  ─rejected─► note */
function approvalGraph(sinkUrl: string) {
  return {
    nodes: [
      effect(sinkUrl, "reserve", "{{ input.ms }}"),
      node("ask", "approval", { timeout: "1h", message: "Ship {{ input.tag }}?" }),
      effect(sinkUrl, "ship", "100"),
      node("note", "text", { template: "not shipped" }),
    ],
    edges: [
      edge("reserve", "ask"),
      { id: "ask-ship", source: "ask", target: "ship", sourceHandle: "approved" },
      { id: "ask-note", source: "ask", target: "note", sourceHandle: "rejected" },
    ],
  };
}

type Started = { runId: string; tag: string; kind: "delay" | "approval" };

describe("kill -9 of the app's process group with 20 runs in flight (npm start)", () => {
  let sink: CountingServer | undefined;
  let dirs: DataDirs | undefined;
  const apps: Launcher[] = [];
  let delayWorkflowId: string | undefined;

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await sink?.close();
    dirs?.remove();
  });

  it("resumes every run after a restart: all reach their end, each side effect once, approvals still decidable", async () => {
    sink = await startCountingServer();
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    const first = await startLauncher({ command: "start", dirs, env: ENV });
    apps.push(first);

    const delayWf = await createWorkflow(first, "fault: delay", delayGraph(sink.url));
    delayWorkflowId = delayWf;
    const approvalWf = await createWorkflow(first, "fault: approval", approvalGraph(sink.url));

    // First the runs that will wait for a person, so their approvals are pending at the crash.
    const started: Started[] = [];
    const startingAt = Date.now();
    for (let i = 0; i < RUNS_WITH_APPROVAL; i++) {
      const tag = `a${i}`;
      const run = await startRun(first, approvalWf, { tag, ms: 100 });
      started.push({ runId: run.runId, tag, kind: "approval" });
    }
    const approvalRuns = started.map((s) => s.runId);
    await waitForRuns(
      first,
      approvalRuns,
      (run) => run.status === "waiting",
      "approvals before the kill",
      30_000,
    );

    // Then slow first calls of different lengths, so the kill finds runs inside an HTTP call,
    // inside a sleep, and still queued, all at once.
    for (let i = 0; i < RUNS_WITH_DELAY; i++) {
      const tag = `d${i}`;
      const run = await startRun(first, delayWf, { tag, ms: 300 + (i % 5) * 500 });
      started.push({ runId: run.runId, tag, kind: "delay" });
    }
    const runIds = started.map((s) => s.runId);

    // Kill once most of them have made their first call: progress is on disk and more is under way.
    const deadline = Date.now() + 20_000;
    const delayCallers = () =>
      new Set(sink?.requests.map((r) => r.path.split("/")[2]).filter((t) => t?.startsWith("d")));
    while (delayCallers().size < 10 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const beforeKill = await Promise.all(runIds.map((id) => getRun(first, id)));
    const hitsBeforeKill = sink.requests.length;
    const killedAt = Date.now();
    first.signalGroup("SIGKILL");
    // Restart as soon as everything is dead, as a supervisor would: the killed processes may
    // still be unreaped zombies holding their PIDs, which the locks must not mistake for owners.
    expect(await first.waitForGroupGone(10_000, { live: true }), "every process of the group died").toBe(
      true,
    );
    const unreaped = groupMembers(first.pid).length;
    const live = beforeKill.filter((run) => !isTerminal(run.status));
    console.log(
      `[kill-9] kill ${killedAt - startingAt} ms after the first start; at the kill: ` +
        `${statusSummary(beforeKill)}; sink requests so far: ${hitsBeforeKill}; zombies at the restart: ${unreaped}`,
    );
    // The test proves something only if the kill caught runs in flight and approvals pending.
    expect(live.length, statusSummary(beforeKill)).toBeGreaterThanOrEqual(15);
    expect(beforeKill.filter((run) => approvalRuns.includes(run.id)).map((run) => run.status)).toEqual(
      approvalRuns.map(() => "waiting"),
    );

    const second = await restartLauncher(first, { command: "start", dirs, env: ENV });
    apps.push(second);

    // The approvals asked before the crash can still be decided, and their runs go on.
    await waitForRuns(
      second,
      approvalRuns,
      (run) => run.status === "waiting",
      "approval runs to wait",
      60_000,
    );
    for (const runId of approvalRuns) {
      const decided = await second.api("POST", `/api/runs/${runId}/approvals/ask`, {
        decision: "approve",
        comment: "after the crash",
      });
      expect(decided.status, decided.text).toBe(200);
    }

    const finished = await waitForRuns(
      second,
      runIds,
      (run) => isTerminal(run.status),
      "every run to end",
      90_000,
    );
    const ended = runIds.map((id) => finished.get(id) as RunBody);
    expect(ended.filter((run) => run.status === "succeeded").map((run) => run.id)).toEqual(runIds);

    // Exactly once, as the outside world saw it: one Idempotency-Key per (run, node), the
    // run's own, one effect for it, and that effect is what the run recorded.
    const rawHitsPerPath = new Map<string, number>();
    for (const request of sink.requests) {
      rawHitsPerPath.set(request.path, (rawHitsPerPath.get(request.path) ?? 0) + 1);
    }
    const problems: string[] = [];
    let httpSteps = 0;
    for (const { runId, tag, kind } of started) {
      const run = finished.get(runId) as RunBody;
      const httpNodes = kind === "delay" ? ["charge", "notify"] : ["reserve", "ship"];
      for (const nodeId of httpNodes) {
        httpSteps += 1;
        const step = run.steps.find((s) => s.nodeId === nodeId);
        const path = `/effect/${tag}/${nodeId}`;
        const keys = new Set(sink.requests.filter((r) => r.path === path).map((r) => r.idempotencyKey));
        const effects = sink.effects.filter((e) => e.path === path);
        const recorded = (step?.output as { body?: { effectId?: number } } | null)?.body?.effectId;
        if (step?.status !== "succeeded") problems.push(`${path}: step ${step?.status ?? "missing"}`);
        if (keys.size !== 1 || !keys.has(`stepwise-${runId}-${nodeId}`)) {
          problems.push(`${path}: keys ${JSON.stringify([...keys])}`);
        }
        if (effects.length !== 1) problems.push(`${path}: ${effects.length} effects`);
        else if (recorded !== effects[0]?.effectId) {
          problems.push(`${path}: run recorded effect ${recorded}, sink applied ${effects[0]?.effectId}`);
        }
      }
    }
    // A call may be repeated only if the kill interrupted it: its answer was not out yet (or only
    // just, and the app died before reading it). Anything else is a node that ran twice.
    const JUST_BEFORE_MS = 500;
    const interrupted = new Set(
      sink.requests
        .filter((r) => r.arrivedAt <= killedAt && (r.answeredAt ?? Infinity) > killedAt - JUST_BEFORE_MS)
        .map((r) => r.path),
    );
    const repeated = [...rawHitsPerPath].filter(([, hits]) => hits > 1);
    for (const [path, hits] of repeated) {
      if (!interrupted.has(path) || hits > 2)
        problems.push(`${path}: called ${hits} times, not cut by the kill`);
    }
    console.log(
      `[kill-9] ${httpSteps} HTTP steps, ${sink.effects.length} effects, ${sink.requests.length} raw requests; ` +
        `${interrupted.size} calls cut by the kill; paths hit more than once (same key, replayed by the sink): ` +
        JSON.stringify(repeated),
    );
    expect(problems).toEqual([]);
    expect(sink.effects).toHaveLength(httpSteps);
  }, 240_000);

  it("kill -9 of the launcher alone: the app stops by itself, and the next start resumes the run", async () => {
    const current = apps.at(-1);
    if (!current || current.hasExited() || !dirs || !sink || !delayWorkflowId) {
      throw new Error("the first test did not leave an app running");
    }
    const run = await startRun(current, delayWorkflowId, { tag: "solo", ms: 100 });
    await waitForRuns(
      current,
      [run.runId],
      (r) => r.steps.some((s) => s.nodeId === "charge" && s.status === "succeeded"),
      "the run's first call",
      30_000,
    );

    // Only the launcher dies (the engine with it); Next is left running on its own and must
    // notice, then stop the orderly way so its database lock and port are free again.
    const killedAt = Date.now();
    current.signalLauncher("SIGKILL");
    // It checks on its launcher every second, then closes the database (bounded by 15 s).
    const gone = await current.waitForGroupGone(ORPHAN_BOUND_MS);
    console.log(
      `[kill-9 launcher] Next ${gone ? `gone ${Date.now() - killedAt} ms after` : `still alive ${ORPHAN_BOUND_MS} ms after`} its launcher`,
    );
    expect(gone, "the Next server stopped after its launcher died").toBe(true);
    expect(current.output()).not.toMatch(/Aborted\(\)|RuntimeError/);

    const next = await restartLauncher(current, { command: "start", dirs, env: ENV });
    apps.push(next);
    const done = await waitForRuns(next, [run.runId], (r) => isTerminal(r.status), "the run to end", 60_000);
    expect(done.get(run.runId)?.status).toBe("succeeded");
    expect(sink.hits("/effect/solo/charge")).toBe(1);
    expect(sink.hits("/effect/solo/notify")).toBe(1);
  }, 120_000);
});
