import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { canonicalJson, signRequest } from "../../inngest/local/signing";
import { SIGNING_KEY_FILE } from "../../inngest/local/signing-key-file";
import { edge, node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import {
  createDataDirs,
  type DataDirs,
  type Launcher,
  restartLauncher,
  startLauncher,
} from "../helpers/embedded-app";
import { createWorkflow, getRun, startRun, waitForRuns } from "../helpers/run-waits";
import { until } from "../helpers/until";

/**
 * `npm start` on its embedded defaults, probed from outside: the launcher makes a
 * signing key in the engine's data directory, the engine signs every call, and
 * the app verifies them as it would Inngest Cloud's. So runs complete, while a
 * forged call to /api/inngest (the body Inngest would send, with a step result
 * that would make the function call out) is refused and executes nothing.
 */

const FUNCTION_ID = "stepwise-execute-run";
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

type RawAnswer = { status: number; text: string };

/** node:http, because fetch will not send another Host header than the URL's. */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 30_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * What the executor would POST to run execute-run for `runId`, with the `start`
 * step already "done" and its result forged: a graph of one HTTP node that calls
 * the sink. Executed, it would make the app call out on the forger's behalf.
 */
function forgedCall(runId: string, sinkUrl: string) {
  const event = {
    id: `forged-${runId}`,
    name: "workflow/run.requested",
    data: { runId, workspaceId: "ws_forged" },
    ts: Date.now(),
  };
  const start = sha1("start");
  return {
    event,
    events: [event],
    steps: {
      [start]: {
        type: "data",
        data: {
          runId,
          workspaceId: "ws_forged",
          graph: {
            nodes: [node("forged", "http", { method: "GET", url: `${sinkUrl}/ok/forged`, timeoutMs: 5_000 })],
            edges: [],
          },
          input: {},
          nodeIds: null,
          seedOutputs: null,
        },
      },
    },
    ctx: {
      run_id: "01JFORGEDRUN0000000000000A",
      attempt: 0,
      max_attempts: 5,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: [start], current: 1 },
    },
    version: 2,
  };
}

/** A signature made with `key` at `t` (seconds), as Inngest computes it. */
function signAt(body: unknown, key: string, t: number): string {
  const secret = key.replace(/^signkey-[\w]+-/, "");
  const s = createHmac("sha256", secret).update(canonicalJson(body)).update(String(t)).digest("hex");
  return `t=${t}&s=${s}`;
}

/** The engine's API answers only the signing key's holder, as Inngest's does. */
async function engineRunCount(app: Launcher, key: string): Promise<number> {
  const response = await fetch(`${app.engineUrl}/v1/runs`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { data: unknown[] };
  return body.data.length;
}

async function engineAppUrls(app: Launcher): Promise<string[]> {
  const response = await fetch(`${app.engineUrl}/dev`, { signal: AbortSignal.timeout(5_000) });
  return ((await response.json()) as { startOpts: { urls: string[] } }).startOpts.urls;
}

/** call the sink ─► sleep 5 s ─► call it again */
function sleepyGraph(sinkUrl: string) {
  return {
    nodes: [
      node("before", "http", {
        method: "GET",
        url: `${sinkUrl}/ok/before-{{ input.tag }}`,
        timeoutMs: 5_000,
      }),
      node("nap", "delay", { duration: "5s" }),
      node("after", "http", { method: "GET", url: `${sinkUrl}/ok/after-{{ input.tag }}`, timeoutMs: 5_000 }),
    ],
    edges: [edge("before", "nap"), edge("nap", "after")],
  };
}

describe("npm start: /api/inngest verifies the local engine's signature", () => {
  let sink: CountingServer;
  let dirs: DataDirs;
  let app: Launcher;
  let keyFile: string;
  let key: string;
  let workflowId: string;

  beforeAll(async () => {
    sink = await startCountingServer();
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    app = await startLauncher({ command: "start", dirs });
    keyFile = path.join(dirs.engine, SIGNING_KEY_FILE);
  });

  afterAll(async () => {
    await app?.stop();
    await sink?.close();
    dirs?.remove();
  });

  it("makes a private key in the engine's data directory on first start and never prints it", () => {
    key = readFileSync(keyFile, "utf8").trim();
    expect(key).toMatch(/^signkey-prod-[0-9a-f]{64}$/);
    if (process.platform !== "win32") expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(app.output()).toContain("calls signed");
    expect(app.output()).toContain(`made a signing key for the engine and the app: ${keyFile}`);
    expect(app.output()).not.toContain(key.slice("signkey-prod-".length, "signkey-prod-".length + 16));
  });

  it("completes a run started through the API: the engine signs, the app verifies", async () => {
    workflowId = await createWorkflow(app, "signed: sleepy", sleepyGraph(sink.url));
    const run = await startRun(app, workflowId, { tag: "first" });
    const done = await waitForRuns(app, [run.runId], (r) => r.status === "succeeded", "the run", 60_000);
    expect(done.get(run.runId)?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(sink.hits("/ok/before-first")).toBe(1);
    expect(sink.hits("/ok/after-first")).toBe(1);
    // Readiness's authenticated read of the engine's API works with the key too.
    const ready = await app.api("GET", "/api/health/ready");
    expect(ready.status, ready.text).toBe(200);
  }, 90_000);

  it("refuses unsigned, badly signed, foreign-key and expired calls, and executes nothing", async () => {
    // A run that waits for a person is live: a forged call for it would get as far as the call out.
    const approvalWorkflow = await createWorkflow(app, "signed: approval", {
      nodes: [node("ask", "approval", { timeout: "1h", message: "go?" })],
      edges: [],
    });
    const waiting = await startRun(app, approvalWorkflow, {});
    await waitForRuns(app, [waiting.runId], (r) => r.status === "waiting", "the approval", 30_000);
    const before = await getRun(app, waiting.runId);
    const runsBefore = await engineRunCount(app, key);
    const anonymous = await fetch(`${app.engineUrl}/v1/runs`, { signal: AbortSignal.timeout(5_000) });
    expect(anonymous.status).toBe(401);
    const body = forgedCall(waiting.runId, sink.url);
    const text = JSON.stringify(body);
    const now = Math.round(Date.now() / 1000);
    const url = `${app.url}/api/inngest?fnId=${FUNCTION_ID}&stepId=step`;
    const attempts: Record<string, Record<string, string>> = {
      "no signature": {},
      "a malformed signature": { "x-inngest-signature": "garbage" },
      "a made-up signature": { "x-inngest-signature": `t=${now}&s=${"ab".repeat(32)}` },
      "another key's signature": {
        "x-inngest-signature": signRequest(body, `signkey-prod-${"cd".repeat(32)}`),
      },
      "the right key, 10 minutes old": { "x-inngest-signature": signAt(body, key, now - 600) },
      "the right key, for another body": {
        "x-inngest-signature": signRequest({ ...body, version: -1 }, key),
      },
    };
    const outputBefore = app.output().length;
    for (const [what, headers] of Object.entries(attempts)) {
      const answer = await rawRequest(url, "POST", { "content-type": "application/json", ...headers }, text);
      expect(answer.status, `${what}: ${answer.text}`).toBe(401);
      expect(answer.text, what).not.toContain("forged");
    }
    // Each refusal is one warning naming the reason, not an error with a stack anyone could repeat.
    await until(
      () => app.output().slice(outputBefore).includes("refused a call to /api/inngest"),
      "the refusals' log lines",
    );
    const logged = app.output().slice(outputBefore);
    expect(logged).toContain("refused a call to /api/inngest: signature");
    expect(logged).not.toMatch(/"level":50[^\n]*ignature/);

    // Nothing ran: no call out, no new engine run, the run unchanged.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sink.hits("/ok/forged")).toBe(0);
    expect(await engineRunCount(app, key)).toBe(runsBefore);
    expect(await getRun(app, waiting.runId)).toEqual(before);

    // The control: signed with the key, the same body does make the app call out, so the refusals
    // above are the signature's doing and the body is a real attack, not a malformed request.
    const signed = await rawRequest(
      url,
      "POST",
      { "content-type": "application/json", "x-inngest-signature": signRequest(body, key) },
      text,
    );
    expect(signed.status, signed.text).toBe(206);
    expect(sink.hits("/ok/forged")).toBe(1);
  }, 60_000);

  it("answers an unsigned GET or PUT with nothing secret and lets nobody re-register the app", async () => {
    const urlsBefore = await engineAppUrls(app);
    expect(urlsBefore).toEqual([`${app.url}/api/inngest`]);
    const keyHash = createHash("sha256").update(key.slice("signkey-prod-".length), "hex").digest("hex");
    const secrets = [key.slice(13, 29), keyHash.slice(0, 12)];

    const introspection = await rawRequest(`${app.url}/api/inngest`, "GET", {});
    const outOfBand = await rawRequest(`${app.url}/api/inngest`, "PUT", { host: "attacker.example" }, "");
    const inBand = await rawRequest(
      `${app.url}/api/inngest`,
      "PUT",
      { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
      JSON.stringify({ url: "http://attacker.example/api/inngest" }),
    );
    for (const [what, answer] of Object.entries({ introspection, outOfBand, inBand })) {
      expect(answer.status, `${what}: ${answer.text}`).toBe(401);
      for (const secret of secrets) expect(answer.text, what).not.toContain(secret);
      expect(answer.text, what).not.toMatch(/signing_key|event_key|api_origin|execute-run/);
    }
    // Still synced at its own URL only (an out-of-band sync would have registered the Host header's).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await engineAppUrls(app)).toEqual(urlsBefore);
  }, 60_000);

  it("keeps the key across a restart, and a run in flight at the stop completes", async () => {
    const fileBefore = statSync(keyFile);
    const run = await startRun(app, workflowId, { tag: "restart" });
    await waitForRuns(
      app,
      [run.runId],
      (r) => r.steps.some((s) => s.nodeId === "before" && s.status === "succeeded"),
      "the run's first call",
      30_000,
    );
    await app.stop();
    const first = app;
    app = await restartLauncher(first, { command: "start", dirs });

    expect(readFileSync(keyFile, "utf8").trim()).toBe(key);
    expect(statSync(keyFile).ino).toBe(fileBefore.ino);
    expect(app.output()).toContain("calls signed");
    expect(app.output()).not.toContain("made a signing key");

    const done = await waitForRuns(app, [run.runId], (r) => r.status === "succeeded", "the run", 60_000);
    expect(done.get(run.runId)?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(sink.hits("/ok/after-restart")).toBe(1);

    // Still refused after the restart.
    const unsigned = await rawRequest(
      `${app.url}/api/inngest?fnId=${FUNCTION_ID}&stepId=step`,
      "POST",
      { "content-type": "application/json" },
      JSON.stringify(forgedCall(run.runId, sink.url)),
    );
    expect(unsigned.status).toBe(401);
  }, 180_000);
});

describe("npm start with INNGEST_DEV=1: the explicit opt-out keeps the unsigned dev mode", () => {
  let sink: CountingServer;
  let dirs: DataDirs;
  let app: Launcher;

  beforeAll(async () => {
    sink = await startCountingServer();
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    app = await startLauncher({ command: "start", dirs, env: { INNGEST_DEV: "1" } });
  });

  afterAll(async () => {
    await app?.stop();
    await sink?.close();
    dirs?.remove();
  });

  it("makes no key, says calls are unsigned, and then anyone who reaches /api/inngest can drive it", async () => {
    expect(existsSync(path.join(dirs.engine, SIGNING_KEY_FILE))).toBe(false);
    expect(app.output()).toContain("calls unsigned");
    expect(app.output()).toContain("INNGEST_DEV=1: /api/inngest accepts unsigned calls");

    const workflow = await createWorkflow(app, "unsigned: approval", {
      nodes: [node("ask", "approval", { timeout: "1h", message: "go?" })],
      edges: [],
    });
    const waiting = await startRun(app, workflow, {});
    await waitForRuns(app, [waiting.runId], (r) => r.status === "waiting", "the approval", 30_000);
    // Why the signed default matters: the same forged call, unsigned, is executed here.
    const forged = await rawRequest(
      `${app.url}/api/inngest?fnId=${FUNCTION_ID}&stepId=step`,
      "POST",
      { "content-type": "application/json" },
      JSON.stringify(forgedCall(waiting.runId, sink.url)),
    );
    expect(forged.status, forged.text).toBe(206);
    expect(sink.hits("/ok/forged")).toBe(1);
  }, 60_000);
});

describe("npm start with INNGEST_SIGNING_KEY set: that key signs instead of a generated one", () => {
  let dirs: DataDirs;
  let app: Launcher;
  const ownKey = `signkey-prod-${"5e".repeat(32)}`;

  beforeAll(async () => {
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    app = await startLauncher({ command: "start", dirs, env: { INNGEST_SIGNING_KEY: ownKey } });
  });

  afterAll(async () => {
    await app?.stop();
    dirs?.remove();
  });

  it("makes no key file, runs with the given key, and still refuses unsigned calls", async () => {
    expect(existsSync(path.join(dirs.engine, SIGNING_KEY_FILE))).toBe(false);
    expect(app.output()).toContain("calls signed");
    const workflow = await createWorkflow(app, "own key", {
      nodes: [node("say", "text", { template: "hi" })],
      edges: [],
    });
    const run = await startRun(app, workflow, {});
    await waitForRuns(app, [run.runId], (r) => r.status === "succeeded", "the run", 30_000);

    const url = `${app.url}/api/inngest?fnId=${FUNCTION_ID}&stepId=step`;
    const text = JSON.stringify(forgedCall(run.runId, "http://127.0.0.1:9"));
    const unsigned = await rawRequest(url, "POST", { "content-type": "application/json" }, text);
    expect(unsigned.status).toBe(401);
    const signed = await rawRequest(
      url,
      "POST",
      { "content-type": "application/json", "x-inngest-signature": signRequest(JSON.parse(text), ownKey) },
      text,
    );
    expect(signed.status, signed.text).not.toBe(401);
  }, 60_000);
});
