import { afterAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { edge, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import {
  createDataDirs,
  type DataDirs,
  type Launcher,
  launch,
  restartLauncher,
  startLauncher,
} from "../helpers/embedded-app";
import type { RunBody } from "../helpers/run-helpers";
import { createWorkflow, getRun, isTerminal, startRun, waitForRuns } from "../helpers/run-waits";
import { openSse, type SseFrame } from "../helpers/sse-client";

/**
 * `npm run dev`, a person with the home page and a run page open (the dev
 * server's HMR socket) and a live run stream, runs in flight — then Ctrl-C
 * (SIGINT to the terminal's process group) and `npm run dev` again. Then a
 * second app started on the same data directory while the first runs.
 */

const ENV = {
  RECONCILE_INTERVAL_S: "2",
  RECONCILE_QUEUED_AFTER_S: "5",
  RECONCILE_STALLED_AFTER_S: "10",
  INNGEST_SEND_TIMEOUT_MS: "3000",
};
const RUNS = 3;
/** The launcher gives Next 15 s to close the database, then 2 s more before SIGKILL. */
const CTRL_C_BOUND_MS = 20_000;

function graph(sinkUrl: string) {
  const call = (id: string) =>
    node(id, "http", {
      method: "POST",
      url: `${sinkUrl}/effect/{{ input.tag }}/${id}?ms=200`,
      body: '{"tag":"{{ input.tag }}"}',
      headers: { "content-type": "application/json" },
    });
  return {
    nodes: [
      call("before"),
      // Long enough that the runs are still asleep when Ctrl-C comes, even on a loaded machine where
      // opening the page, the HMR socket and the stream took over 6 s.
      node("wait", "delay", { duration: "20s" }),
      call("after"),
      node("join", "transform", { expression: '{ "tag": $string(nodes.before.body.name) }' }),
    ],
    edges: [edge("before", "wait"), edge("wait", "after"), edge("after", "join")],
  };
}

/** The dev server's HMR socket, which every open page of `next dev` holds; null if it cannot open. */
function openHmrSocket(url: string): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace("http", "ws")}/_next/hmr`);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(null);
    }, 15_000);
    socket.once("open", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

const eventFrames = (frames: SseFrame[]) => frames.filter((f) => f.id !== undefined);

// One retry: under the full suite's load on two cores, the restarted `next dev` has once
// closed a connection while compiling a page (not reproduced alone); the data assertions
// are unchanged, and a second failure still fails the run.
describe("Ctrl-C during npm run dev, then npm run dev again", { retry: 1 }, () => {
  let sink: CountingServer | undefined;
  let dirs: DataDirs | undefined;
  const apps: Launcher[] = [];
  let survivor: Launcher | undefined;
  let workflowId = "";

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await sink?.close();
    dirs?.remove();
  });

  it("closes within its bound with pages and a stream open; after a restart every row is there and runs finish", async () => {
    sink = await startCountingServer();
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    const first = await startLauncher({ command: "dev", dirs, env: ENV });
    apps.push(first);

    workflowId = await createWorkflow(first, "fault: ctrl-c", graph(sink.url));
    // A first run through every page and route a person uses, so `next dev` has compiled them
    // all and the runs below are still in flight when Ctrl-C comes.
    const warm = (await startRun(first, workflowId, { tag: "warm" })).runId;
    const home = await first.api("GET", "/", undefined, { timeoutMs: 120_000 });
    expect(home.status).toBe(200);
    const warmPage = await first.api("GET", `/runs/${warm}`, undefined, { timeoutMs: 120_000 });
    expect(warmPage.status).toBe(200);
    const warmStream = await openSse(`${first.url}/api/runs/${warm}/stream`);
    expect(warmStream.status, warmStream.text).toBe(200);
    warmStream.close();
    await waitForRuns(first, [warm], (run) => run.status === "succeeded", "the warm-up run", 90_000);

    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) runIds.push((await startRun(first, workflowId, { tag: `c${i}` })).runId);
    const [watched] = runIds;
    if (!watched) throw new Error("no run started");

    // What a person has open: the run's page, its HMR socket, and a live stream.
    const page = await first.api("GET", `/runs/${watched}`, undefined, { timeoutMs: 120_000 });
    expect(page.status).toBe(200);
    expect(page.text).toContain(watched);
    const hmr = await openHmrSocket(first.url);
    expect(hmr, "the dev server's HMR socket opens").not.toBeNull();
    const stream = await openSse(`${first.url}/api/runs/${watched}/stream`);
    expect(stream.status, stream.text).toBe(200);
    await stream.until((frames) => eventFrames(frames).length > 0, 30_000);

    // Every run has made its first call and sleeps before its second.
    const before = await waitForRuns(
      first,
      runIds,
      (run) => run.steps.some((s) => s.nodeId === "before" && s.status === "succeeded"),
      "every run's first call",
      30_000,
    );
    const inFlight = [...before.values()].filter((run) => !isTerminal(run.status)).length;
    const workflowsBefore = await first.api<Array<{ id: string; version: number }>>("GET", "/api/workflows");
    expect(workflowsBefore.status).toBe(200);
    const framesBefore = eventFrames(stream.frames).map((f) => ({ ...f }));

    const sigintAt = Date.now();
    first.signalGroup("SIGINT");
    const closed = await first.waitForGroupGone(CTRL_C_BOUND_MS);
    const closeMs = Date.now() - sigintAt;
    const exit = await first.exit;
    console.log(
      `[ctrl-c] group gone ${closed} after ${closeMs} ms; launcher exit ${JSON.stringify(exit)}; ` +
        `HMR socket ${hmr ? "open" : "not available"}; in flight: ${inFlight}/${RUNS}`,
    );
    // The test proves something only if Ctrl-C caught the runs in flight.
    expect(inFlight).toBe(RUNS);
    hmr?.terminate();
    expect(closed, `every process gone within ${CTRL_C_BOUND_MS} ms of Ctrl-C`).toBe(true);
    // The launcher had to kill a Next that would not stop: its database was not closed cleanly.
    expect(first.output()).not.toContain("did not stop within");
    expect(first.output()).not.toMatch(/Aborted\(\)|RuntimeError/);
    // The stream ended with the server instead of hanging on.
    await expect(
      Promise.race([
        stream.ended.then(() => "ended"),
        new Promise((r) => setTimeout(() => r("open"), 2_000)),
      ]),
    ).resolves.toBe("ended");
    stream.close();

    const second = await restartLauncher(first, { command: "dev", dirs, env: ENV });
    apps.push(second);
    survivor = second;

    const health = await second.api<{ checks: { database: string } }>("GET", "/api/health/ready");
    expect(health.status).toBe(200);
    expect(health.body.checks.database).toBe("ok");
    const workflowsAfter = await second.api<Array<{ id: string; version: number }>>("GET", "/api/workflows");
    expect(savedWorkflows(workflowsAfter.body)).toEqual(savedWorkflows(workflowsBefore.body));

    // Every run is there and nothing it had done was lost or changed.
    for (const runId of runIds) {
      const was = before.get(runId) as RunBody;
      const now = await getRun(second, runId);
      for (const step of was.steps.filter((s) => s.status === "succeeded")) {
        expect(
          now.steps.find((s) => s.nodeId === step.nodeId),
          `${runId}/${step.nodeId}`,
        ).toMatchObject({
          status: "succeeded",
          output: step.output,
        });
      }
    }

    // The runs in flight at Ctrl-C finish.
    const finished = await waitForRuns(
      second,
      runIds,
      (run) => isTerminal(run.status),
      "every run to end",
      90_000,
    );
    expect(runIds.map((id) => finished.get(id)?.status)).toEqual(runIds.map(() => "succeeded"));

    // The watched run's log: what the stream showed before Ctrl-C is still there, unchanged,
    // and the rest follows without a gap, to the end.
    const replay = await openSse(`${second.url}/api/runs/${watched}/stream`);
    await replay.ended;
    const events = eventFrames(replay.frames);
    expect(events.map((f) => Number(f.id))).toEqual(events.map((_, i) => i + 1));
    expect(events.slice(0, framesBefore.length)).toEqual(framesBefore);
    expect(replay.frames.at(-1)?.event).toBe("end");
    const runPage = await second.api("GET", `/runs/${watched}`, undefined, { timeoutMs: 120_000 });
    expect(runPage.status).toBe(200);

    // Each call happened once per run and node, under the run's own key.
    runIds.forEach((runId, i) => {
      for (const nodeId of ["before", "after"]) {
        const path = `/effect/c${i}/${nodeId}`;
        const keys = new Set(sink?.requests.filter((r) => r.path === path).map((r) => r.idempotencyKey));
        expect([...keys], path).toEqual([`stepwise-${runId}-${nodeId}`]);
        expect(
          sink?.effects.filter((e) => e.path === path),
          path,
        ).toHaveLength(1);
      }
    });
  }, 300_000);

  it("refuses a second app on the same data directory, naming it, and the first keeps working", async () => {
    const first = survivor;
    if (!first || !dirs) throw new Error("the first test did not leave an app running");
    // A run in flight on the first app while the second tries to start: it must not be disturbed.
    const inFlight = await startRun(first, workflowId, { tag: "during-second" });
    const holders = first.members();
    const workflowsBefore = await first.api("GET", "/api/workflows");

    // `npm start` next to a running `npm run dev`, same checkout, so same data directories.
    const second = await launch({ command: "start", dirs, env: ENV });
    apps.push(second);
    const exit = await Promise.race([
      second.exit,
      new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 60_000)),
    ]);
    const output = second.output();
    console.log(
      `[two apps] second exit ${JSON.stringify(exit)}: ${output.trim().split("\n").slice(-3).join(" | ")}`,
    );
    expect(exit, output).not.toBe("still running");
    expect(exit === "still running" ? null : exit.code, output).not.toBe(0);
    expect(output.includes(dirs.engine) || output.includes(dirs.pglite), output).toBe(true);
    expect(
      holders.some((pid) => output.includes(String(pid))),
      `names a PID of the first app (${holders.join(", ")})`,
    ).toBe(true);
    // Refused means nothing of it stays behind holding a port or a file.
    expect(await second.waitForGroupGone(10_000), "the refused app left no process").toBe(true);

    // The same with only the database shared (its own engine store): the database lock refuses it.
    const dbOnlyDirs = { ...dirs, engine: `${dirs.engine}-second` };
    const third = await launch({ command: "start", dirs: dbOnlyDirs, env: ENV });
    apps.push(third);
    const thirdExit = await Promise.race([
      third.exit,
      new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 60_000)),
    ]);
    const thirdOutput = third.output();
    expect(thirdExit, thirdOutput).not.toBe("still running");
    expect(thirdExit === "still running" ? null : thirdExit.code, thirdOutput).not.toBe(0);
    expect(thirdOutput, thirdOutput).toContain(dirs.pglite);
    expect(
      holders.some((pid) => thirdOutput.includes(String(pid))),
      thirdOutput,
    ).toBe(true);

    // The first app goes on as if nothing happened.
    const health = await first.api("GET", "/api/health/ready");
    expect(health.status).toBe(200);
    expect(savedWorkflows((await first.api("GET", "/api/workflows")).body)).toEqual(
      savedWorkflows(workflowsBefore.body),
    );
    const done = await waitForRuns(
      first,
      [inFlight.runId],
      (run) => isTerminal(run.status),
      "the run",
      60_000,
    );
    expect(done.get(inFlight.runId)?.status).toBe("succeeded");
    expect(first.members().length).toBeGreaterThan(0);
  }, 150_000);
});

/**
 * What was saved of each workflow, without the list's live run statistics
 * (`lastRun`, `runCount`): runs in flight move on between two reads, and the
 * runs themselves are checked one by one.
 */
function savedWorkflows(body: unknown): unknown {
  const list = body as { data?: Array<Record<string, unknown>> };
  return (list.data ?? []).map(({ lastRun: _lastRun, runCount: _runCount, ...saved }) => saved);
}
