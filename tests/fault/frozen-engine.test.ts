import { readFileSync } from "node:fs";
import { afterAll, describe, expect, inject, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { createDataDirs, type DataDirs, type Launcher, startLauncher } from "../helpers/embedded-app";
import { createWorkflow, getRun, startRun, waitForRuns } from "../helpers/run-waits";

/**
 * The engine stops answering (SIGSTOP of the launcher, which hosts it; Next is
 * its child and keeps serving): starting a run must still answer within its
 * bound, with 202 and a `queued` run, and once the engine is back (SIGCONT) the
 * run completes — once.
 */

const SEND_TIMEOUT_MS = 1_500;
/** Route work besides the send (validation, inserts, the response) on a busy two-core machine. */
const MARGIN_MS = 2_500;
const RUNS_WHILE_FROZEN = 3;

const ENV = {
  INNGEST_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
  RECONCILE_INTERVAL_S: "2",
  RECONCILE_QUEUED_AFTER_S: "3",
  RECONCILE_STALLED_AFTER_S: "10",
};

/** The scheduler state of a process: "T" while stopped. */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "?";
}

function graph(sinkUrl: string) {
  return {
    nodes: [
      node("call", "http", {
        method: "POST",
        url: `${sinkUrl}/effect/{{ input.tag }}/call`,
        body: '{"tag":"{{ input.tag }}"}',
        headers: { "content-type": "application/json" },
      }),
      node("done", "text", { template: "called {{ nodes.call.body.effectId }}" }),
    ],
    edges: [edge("call", "done")],
  };
}

describe("a frozen engine (SIGSTOP of the launcher) under npm start", () => {
  let sink: CountingServer | undefined;
  let dirs: DataDirs | undefined;
  let app: Launcher | undefined;

  afterAll(async () => {
    // stop() continues a stopped group before it signals it.
    await app?.stop();
    await sink?.close();
    dirs?.remove();
  });

  it("answers 202 within the send bound with a queued run, and the run completes once the engine is back", async () => {
    sink = await startCountingServer();
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    const launcher = await startLauncher({ command: "start", dirs, env: ENV });
    app = launcher;
    const workflowId = await createWorkflow(launcher, "fault: frozen engine", graph(sink.url));

    // A run before the freeze: the path works end to end, so what follows is the freeze's doing.
    const warm = await startRun(launcher, workflowId, { tag: "warm" });
    await waitForRuns(launcher, [warm.runId], (run) => run.status === "succeeded", "the warm-up run", 30_000);

    const frozen: Array<{ runId: string; status: string; httpStatus: number; ms: number }> = [];
    const queuedWhileFrozen: string[] = [];
    launcher.signalLauncher("SIGSTOP");
    try {
      // The stop is delivered asynchronously: a busy process shows "R" for a moment first.
      const stoppedBy = Date.now() + 5_000;
      while (processState(launcher.pid) !== "T" && Date.now() < stoppedBy) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(processState(launcher.pid)).toBe("T");
      for (let i = 0; i < RUNS_WHILE_FROZEN; i++) {
        frozen.push(await startRun(launcher, workflowId, { tag: `frozen-${i}` }));
      }
      for (const { runId } of frozen) queuedWhileFrozen.push((await getRun(launcher, runId)).status);
    } finally {
      launcher.signalLauncher("SIGCONT");
    }
    console.log(
      `[frozen] POST …/runs while frozen: ${frozen.map((r) => `${Math.round(r.ms)} ms`).join(", ")}`,
    );
    for (const run of frozen) {
      expect(run.httpStatus).toBe(202);
      expect(run.status).toBe("queued");
      expect(run.ms).toBeLessThan(SEND_TIMEOUT_MS + MARGIN_MS);
    }
    expect(queuedWhileFrozen).toEqual(frozen.map(() => "queued"));

    const runIds = frozen.map((r) => r.runId);
    const finished = await waitForRuns(
      launcher,
      runIds,
      (run) => run.status === "succeeded" || run.status === "failed" || run.status === "cancelled",
      "the runs started while frozen to end",
      60_000,
    );
    expect(runIds.map((id) => finished.get(id)?.status)).toEqual(runIds.map(() => "succeeded"));

    // Once: the late event and the reconciler's resend must not both execute the run.
    frozen.forEach(({ runId }, i) => {
      const path = `/effect/frozen-${i}/call`;
      const keys = new Set(sink?.requests.filter((r) => r.path === path).map((r) => r.idempotencyKey));
      expect([...keys], path).toEqual([`stepwise-${runId}-call`]);
      expect(
        sink?.effects.filter((e) => e.path === path),
        path,
      ).toHaveLength(1);
      expect(sink?.hits(path), `${path}: raw hits`).toBe(1);
    });
  }, 150_000);
});
