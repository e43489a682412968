import { createHash } from "node:crypto";
import { Inngest, type InngestFunction } from "inngest";
import { channel, getSubscriptionToken, staticSchema, subscribe } from "inngest/realtime";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { createLocalEngine, type EngineMode, type LocalEngine } from "../../inngest/local";
import { MODES, serveApp } from "./harness";

/**
 * The engine's API with a signing key, as `inngest start --signing-key` and
 * Inngest Cloud answer it: REST, checkpoint, registration and realtime need
 * the key; the unmodified SDK in cloud mode sends it (hashed) everywhere;
 * realtime tokens live 60 seconds and never publish.
 */

beforeAll(() => {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
});

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const HEX = "ab12".repeat(16);
const SIGNING_KEY = `signkey-test-${HEX}`;
/** What the SDK sends: the prefix, then the SHA-256 of the hex-decoded key. */
const HASHED_KEY = `signkey-test-${createHash("sha256").update(Buffer.from(HEX, "hex")).digest("hex")}`;

const jobs = channel({ name: "jobs", topics: { status: { schema: staticSchema<{ msg: string }>() } } });

type Cloud = { engine: LocalEngine; inngest: Inngest.Any; close(): Promise<void> };

async function startCloud(
  mode: EngineMode,
  define: (inngest: Inngest.Any) => InngestFunction.Any[] = () => [],
): Promise<Cloud> {
  const engine = await createLocalEngine({
    port: 0,
    clock: "manual",
    mode,
    logger: false,
    signingKey: SIGNING_KEY,
  });
  const inngest = new Inngest({
    id: "cloud",
    isDev: false,
    baseUrl: engine.url,
    signingKey: SIGNING_KEY,
    eventKey: "local-event-key",
    logger: silent,
  });
  const app = await serveApp(inngest, define(inngest));
  await engine.syncApp(app.url);
  return {
    engine,
    inngest,
    async close() {
      await engine.close();
      await app.close();
    },
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function until(check: () => boolean, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a realtime message");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe.each(MODES)("REST API with a signing key (%s mode)", (mode) => {
  let c: Cloud;
  afterEach(() => c.close());

  it("answers only callers with the key (plain or hashed); the SDK's own calls carry it", async () => {
    c = await startCloud(mode, (inngest) => [
      inngest.createFunction({ id: "rest", triggers: [{ event: "cloud/rest" }] }, async ({ step }) =>
        step.run("only", () => "done"),
      ),
    ]);
    // The event API stays open (the event key is not checked), and the run completes:
    // checkpoints (checkpoint mode) pass the engine's auth because the SDK sends the key.
    const { ids } = await c.inngest.send({ name: "cloud/rest", data: {} });
    await c.engine.settle();
    const [run] = c.engine.listRuns({ eventId: ids[0] });
    expect(run).toMatchObject({ status: "Completed", output: "done" });
    const url = `${c.engine.url}/v1/runs/${run?.runId}`;

    for (const headers of [{}, bearer("signkey-test-00"), bearer(`signkey-test-${"cd34".repeat(16)}`)]) {
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: "Authentication failed" });
    }
    for (const key of [SIGNING_KEY, HASHED_KEY, HEX]) {
      const answer = await fetch(url, { headers: bearer(key) });
      expect(answer.status, key).toBe(200);
      expect(answer.headers.get("cache-control")).toBe("private, max-age=3");
      expect(await answer.json()).toMatchObject({
        data: { run_id: run?.runId, status: "Completed", output: "done" },
        metadata: { fetched_at: expect.any(String), cached_until: expect.any(String) },
      });
    }
    // Inngest's answers for ids: not a ULID → 400, an unknown ULID → 500.
    const auth = { headers: bearer(SIGNING_KEY) };
    expect((await fetch(`${c.engine.url}/v1/runs/run_123`, auth)).status).toBe(400);
    expect((await fetch(`${c.engine.url}/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV`, auth)).status).toBe(500);

    // Every API route is guarded, reads and writes alike; health and the event API are not.
    const guarded: [string, string][] = [
      ["GET", `/v1/events/${ids[0]}`],
      ["GET", `/v1/events/${ids[0]}/runs`],
      ["GET", "/v1/events"],
      ["GET", "/v1/runs"],
      ["GET", `/v0/runs/${run?.runId}/actions`],
      ["DELETE", `/v1/runs/${run?.runId}`],
      ["POST", `/v1/checkpoint/${run?.runId}/async`],
      ["POST", "/fn/register"],
      ["POST", "/v1/realtime/token"],
    ];
    for (const [method, path] of guarded) {
      expect((await fetch(`${c.engine.url}${path}`, { method })).status, `${method} ${path}`).toBe(401);
    }
    expect((await fetch(`${c.engine.url}/v1/events/${ids[0]}`, auth)).status).toBe(200);
    expect((await fetch(`${c.engine.url}/health`)).status).toBe(200);
  });
});

describe("realtime with a signing key", () => {
  let c: Cloud;
  afterEach(() => c.close());

  it("mints tokens (201) for the key only, and publishes only with the key, never with a token", async () => {
    c = await startCloud("checkpoint");
    const body = JSON.stringify([{ channel: "jobs", name: "status", kind: "run" }]);
    const tokenUrl = `${c.engine.url}/v1/realtime/token`;
    expect((await fetch(tokenUrl, { method: "POST", body })).status).toBe(401);
    const minted = await fetch(tokenUrl, { method: "POST", body, headers: bearer(HASHED_KEY) });
    expect(minted.status).toBe(201);
    const { jwt } = (await minted.json()) as { jwt: string };

    const publishUrl = `${c.engine.url}/v1/realtime/publish?channel=jobs&topic=status`;
    const publish = (init: RequestInit = {}, url = publishUrl) =>
      fetch(url, { method: "POST", body: JSON.stringify({ msg: "x" }), ...init });
    expect((await publish()).status).toBe(401);
    expect((await publish({ headers: bearer(`signkey-test-${"cd34".repeat(16)}`) })).status).toBe(401);
    // A subscription token does not publish, even next to the key.
    const withToken = await publish({ headers: bearer(jwt) });
    expect(withToken.status).toBe(401);
    expect(await withToken.json()).toMatchObject({ error: "Not authenticated for publishing" });
    expect((await publish({}, `${publishUrl}&token=${jwt}`)).status).toBe(401);
    expect((await publish({ headers: bearer(SIGNING_KEY) })).status).toBe(200);

    // The SDK (cloud mode) sends the hashed key for tokens and publishes.
    const received: unknown[] = [];
    const sub = await subscribe({
      app: c.inngest,
      channel: jobs,
      topics: ["status"],
      onMessage: (m: { data: unknown }) => void received.push(m.data),
    });
    await c.inngest.realtime.publish(jobs.status, { msg: "from the SDK" });
    await until(() => received.length === 1);
    expect(received).toEqual([{ msg: "from the SDK" }]);
    sub.close();
  });

  it("step.realtime.publish works inside a function in cloud mode", async () => {
    const received: unknown[] = [];
    c = await startCloud("checkpoint", (inngest) => [
      inngest.createFunction({ id: "pub", triggers: [{ event: "cloud/pub" }] }, async ({ step }) => {
        await step.realtime.publish("tell", jobs.status, { msg: "in a step" });
        return "ok";
      }),
    ]);
    const sub = await subscribe({
      app: c.inngest,
      channel: jobs,
      topics: ["status"],
      onMessage: (m: { data: unknown }) => void received.push(m.data),
    });
    const { ids } = await c.inngest.send({ name: "cloud/pub", data: {} });
    await c.engine.settle();
    expect(c.engine.listRuns({ eventId: ids[0] })[0]).toMatchObject({ status: "Completed", output: "ok" });
    await until(() => received.length === 1);
    expect(received).toEqual([{ msg: "in a step" }]);
    sub.close();
  });

  it("tokens live 60 seconds: a late reconnect needs a fresh token; an open socket stays open", async () => {
    c = await startCloud("checkpoint");
    const token = await getSubscriptionToken(c.inngest, { channel: jobs, topics: ["status"] });
    const open: unknown[] = [];
    const early = await subscribe({
      channel: "jobs",
      topics: ["status"],
      key: token.key,
      apiBaseUrl: c.engine.url,
      onMessage: (m: { data: unknown }) => void open.push(m.data),
    });

    // Expiry is kept in whole seconds (JWT `exp`), so a token lives 59–60 s, as Inngest's.
    await c.engine.clock.advance(59_000);
    const justInTime = await subscribe({
      channel: "jobs",
      topics: ["status"],
      key: token.key,
      apiBaseUrl: c.engine.url,
    });
    justInTime.close();

    await c.engine.clock.advance(1_000);
    // The SDK logs the refused socket with console.error; keep the output clean.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      subscribe({ channel: "jobs", topics: ["status"], key: token.key, apiBaseUrl: c.engine.url }),
    ).rejects.toThrow();
    quiet.mockRestore();

    // Asking again (as useRealtime's token factory and the server feed's subscribe do) works.
    const fresh = await getSubscriptionToken(c.inngest, { channel: jobs, topics: ["status"] });
    const late: unknown[] = [];
    const again = await subscribe({
      channel: "jobs",
      topics: ["status"],
      key: fresh.key,
      apiBaseUrl: c.engine.url,
      onMessage: (m: { data: unknown }) => void late.push(m.data),
    });
    await c.inngest.realtime.publish(jobs.status, { msg: "after a minute" });
    await until(() => open.length === 1 && late.length === 1);
    expect(open).toEqual([{ msg: "after a minute" }]);
    early.close();
    again.close();
  });
});
