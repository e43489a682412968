import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createManualClock } from "../../inngest/local/clock";
import { edge, node } from "../fixtures/graphs";
import { openSse, type SseConnection } from "../helpers/sse-client";
import { type StackOptions, useStack } from "../helpers/stack";
import { until } from "../helpers/until";

/**
 * Live run streams end to end: real route handlers, the local engine's realtime
 * and the unmodified SDK. The streams' own clock is a manual one, so heartbeats
 * and the duration limit are tested without waiting for them. Shared by both
 * database drivers.
 */
export function defineRunStreamSuite(options: StackOptions) {
  // Node 20 has no global WebSocket; the server-side realtime subscriber needs one.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

  const streamClock = createManualClock(Date.now(), async () => {});

  describe(`run streams (SSE, ${options.driver})`, () => {
    const stack = useStack(options);
    const open: SseConnection[] = [];
    let apiKey = "";

    beforeAll(async () => {
      const { configureRunStreams } = await import("@/server/runs/stream/stream-settings");
      configureRunStreams({ clock: streamClock });
      const key = await stack().api<{ secret: string }>("POST", "/api/api-keys", {
        name: "stream test",
        scopes: ["runs:read"],
      });
      expect(key.status).toBe(201);
      apiKey = key.body.secret;
    });
    afterEach(() => {
      for (const connection of open.splice(0)) connection.close();
    });
    afterAll(async () => {
      const { configureRunStreams } = await import("@/server/runs/stream/stream-settings");
      configureRunStreams({});
    });

    async function stream(path: string, headers: Record<string, string> = {}) {
      const connection = await openSse(`${stack().app.url}${path}`, headers);
      open.push(connection);
      return connection;
    }

    async function startRun(graph: unknown) {
      const workflow = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "stream", graph });
      expect(workflow.status, JSON.stringify(workflow.body)).toBe(201);
      const run = await stack().api<{ runId: string }>("POST", `/api/workflows/${workflow.body.id}/runs`, {
        input: {},
      });
      expect(run.status).toBe(202);
      return run.body.runId;
    }

    async function storedEvents(runId: string) {
      const { getDb } = await import("@/server/db/client");
      const { listRunEvents } = await import("@/server/runs/queries");
      const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
      return listRunEvents(await getDb(), LOCAL_WORKSPACE_ID, runId);
    }

    const sleeping = (minutes = 1) => ({
      nodes: [
        node("wait", "delay", { duration: `${minutes}m` }),
        node("after", "text", { template: "done" }),
      ],
      edges: [edge("wait", "after")],
    });
    const ids = (connection: SseConnection) => connection.events().map((f) => Number(f.id));
    const hasSeq = (seq: number) => (frames: { id?: string }[]) => frames.some((f) => f.id === String(seq));
    const ended = (frames: { event: string }[]) => frames.some((f) => f.event === "end");

    it("replays a live run from the start, relays what follows live, then sends `end` and closes", async () => {
      const runId = await startRun(sleeping());
      await stack().engine.settle(); // running, asleep on the delay
      const sse = await stream(`/api/runs/${runId}/stream`);
      expect(sse.status).toBe(200);
      expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
      await sse.until(hasSeq(3));
      expect(sse.events().map((f) => f.event)).toEqual(["run.status", "run.status", "step.started"]);

      await stack().engine.clock.advance(60_000);
      await stack().engine.settle();
      await sse.until(ended);
      await sse.ended;
      const stored = await storedEvents(runId);
      expect(ids(sse)).toEqual(stored.map((e) => e.seq));
      expect(sse.events().map((f) => f.event)).toEqual(stored.map((e) => e.type));
      expect(JSON.parse(sse.events().at(-1)?.data ?? "")).toMatchObject({
        runId,
        type: "run.status",
        data: { status: "succeeded" },
      });
      expect(JSON.parse(sse.frames.at(-1)?.data ?? "")).toEqual({ status: "succeeded" });
    });

    it("resumes after Last-Event-ID with exactly the missed events, then live ones, without duplicates", async () => {
      const runId = await startRun({
        nodes: [
          node("wait1", "delay", { duration: "1m" }),
          node("a", "text", { template: "a" }),
          node("wait2", "delay", { duration: "1m" }),
          node("b", "text", { template: "b" }),
        ],
        edges: [edge("wait1", "a"), edge("a", "wait2"), edge("wait2", "b")],
      });
      await stack().engine.settle();
      const first = await stream(`/api/v1/runs/${runId}/stream`, { authorization: `Bearer ${apiKey}` });
      await first.until(hasSeq(2));
      first.close(); // the connection drops

      await stack().engine.clock.advance(60_000); // wait1 and a happen while nobody listens
      await stack().engine.settle();
      const missed = (await storedEvents(runId)).filter((e) => e.seq > 2).map((e) => e.seq);
      expect(missed.length).toBeGreaterThanOrEqual(4);

      const resumed = await stream(`/api/v1/runs/${runId}/stream`, {
        authorization: `Bearer ${apiKey}`,
        "last-event-id": "2",
      });
      await resumed.until(hasSeq(missed.at(-1) ?? 0));
      expect(ids(resumed)).toEqual(missed);

      await stack().engine.clock.advance(60_000);
      await stack().engine.settle();
      await resumed.until(ended);
      const all = (await storedEvents(runId)).map((e) => e.seq);
      expect(ids(resumed)).toEqual(all.filter((seq) => seq > 2));
    });

    it("answers a finished run with its events and `end`, and a client that has them all with 204", async () => {
      const runId = await startRun({ nodes: [node("only", "text", { template: "hi" })], edges: [] });
      await stack().engine.drain();
      const stored = await storedEvents(runId);
      const full = await stream(`/api/runs/${runId}/stream`);
      await full.ended;
      expect(ids(full)).toEqual(stored.map((e) => e.seq));
      expect(full.frames.at(-1)?.event).toBe("end");

      const last = stored.at(-1)?.seq ?? 0;
      const caughtUp = await stream(`/api/runs/${runId}/stream?lastEventId=${last}`);
      // 204 is what stops an EventSource from reconnecting; a stream with only `end` would not.
      expect(caughtUp.status).toBe(204);
      expect(caughtUp.text ?? "").toBe("");
      const behind = await stream(`/api/runs/${runId}/stream`, { "last-event-id": String(last - 1) });
      await behind.ended;
      expect(ids(behind)).toEqual([last]);
    });

    for (const route of ["session", "v1"] as const) {
      it(`lets a standard EventSource (${route} route) read a finished run once and stop`, async () => {
        const { EventSource } = await import("eventsource");
        const runId = await startRun({ nodes: [node("only", "text", { template: "hi" })], edges: [] });
        await stack().engine.drain();
        const stored = (await storedEvents(runId)).map((e) => e.seq);
        const path = route === "session" ? `/api/runs/${runId}/stream` : `/api/v1/runs/${runId}/stream`;
        const answers: number[] = [];
        const source = new EventSource(`${stack().app.url}${path}`, {
          fetch: async (input, init) => {
            const headers = { ...init.headers, ...(route === "v1" && { authorization: `Bearer ${apiKey}` }) };
            const response = await fetch(input, { ...init, headers });
            answers.push(response.status);
            return response;
          },
        });
        const received: number[] = [];
        for (const type of ["run.status", "step.started", "step.completed"]) {
          source.addEventListener(type, (event) => received.push(Number(event.lastEventId)));
        }
        try {
          // No close() on `end` here: the server alone must stop the client.
          await until(() => source.readyState === EventSource.CLOSED, "the EventSource to stop", 10_000);
          // Past the stream's `retry:` interval: a client that was going to come back would have.
          await new Promise((resolve) => setTimeout(resolve, 2_500));
          expect(source.readyState).toBe(EventSource.CLOSED);
          expect(received).toEqual(stored);
          // The stream with every event, then its reconnect with Last-Event-ID answered 204.
          expect(answers).toEqual([200, 204]);
        } finally {
          source.close();
        }
      });
    }

    it("sends heartbeats while the run is quiet and closes before the duration limit, resumable", async () => {
      const runId = await startRun(sleeping(10));
      await stack().engine.settle();
      const sse = await stream(`/api/runs/${runId}/stream`);
      await sse.until(hasSeq(3));
      await streamClock.advance(15_000);
      await sse.until((frames) => frames.filter((f) => f.event === "heartbeat").length === 1);
      await streamClock.advance(15_000);
      await sse.until((frames) => frames.filter((f) => f.event === "heartbeat").length === 2);

      await streamClock.advance(280_000 - 30_000);
      await sse.ended;
      expect(sse.frames.some((f) => f.event === "end")).toBe(false);
      const resumed = await stream(`/api/runs/${runId}/stream`, { "last-event-id": "3" });
      await resumed.until((frames) => frames.some((f) => f.retry !== undefined));
      expect(resumed.events()).toEqual([]);
    });

    it("answers 404 for a run that is not the caller's, on both streams and the token route", async () => {
      const runId = await startRun(sleeping());
      const unknown = "run_00000000000000000000000000";
      for (const path of [`/api/runs/${unknown}/stream`, `/api/v1/runs/${unknown}/stream`]) {
        const sse = await stream(path, { authorization: `Bearer ${apiKey}` });
        expect(sse.status, path).toBe(404);
        expect(JSON.parse(sse.text ?? "")).toMatchObject({ error: { code: "not_found" } });
      }
      expect((await stack().api("POST", `/api/runs/${unknown}/realtime-token`)).status).toBe(404);

      // A key of another workspace sees nothing of this one.
      const { getDb } = await import("@/server/db/client");
      const { apiKeys, workspaces } = await import("@/server/db/schema");
      const { generateApiKeySecret } = await import("@/server/api-keys/api-key-secret");
      const db = await getDb();
      await db
        .insert(workspaces)
        .values({ id: "ws_other_stream", name: "other", kind: "personal", externalId: "u" });
      const other = generateApiKeySecret();
      await db.insert(apiKeys).values({
        id: "key_other_stream",
        workspaceId: "ws_other_stream",
        name: "other",
        prefix: other.prefix,
        hash: other.hash,
        scopes: ["runs:read"],
        createdBy: "test",
      });
      const foreign = await stream(`/api/v1/runs/${runId}/stream`, {
        authorization: `Bearer ${other.secret}`,
      });
      expect(foreign.status).toBe(404);
      const unscoped = await stack().api<{ id: string; secret: string }>("POST", "/api/api-keys", {
        name: "no runs:read",
        scopes: ["workflows:read"],
      });
      const refused = await stream(`/api/v1/runs/${runId}/stream`, {
        authorization: `Bearer ${unscoped.body.secret}`,
      });
      expect(refused.status).toBe(403);
    });

    it("issues a realtime token that grants this run's channel only", async () => {
      const runId = await startRun(sleeping());
      const token = await stack().api<{ channel: string; topics: string[]; key: string; apiBaseUrl: string }>(
        "POST",
        `/api/runs/${runId}/realtime-token`,
      );
      expect(token.status).toBe(200);
      expect(token.headers.get("cache-control")).toBe("no-store");
      expect(token.body).toMatchObject({
        channel: `run:${runId}`,
        topics: ["events"],
        apiBaseUrl: stack().engine.url,
      });
      const claims = JSON.parse(Buffer.from(token.body.key.split(".")[1] ?? "", "base64url").toString());
      expect(claims.grants).toEqual([{ channel: `run:${runId}`, topics: ["events"] }]);
    });

    it("delivers a 600 KB event whole: published as a reference, read from run_events", async () => {
      const { getDb } = await import("@/server/db/client");
      const { appendRunEvents } = await import("@/server/runs/append-run-events");
      const { publishRunEvents } = await import("@/server/runs/publish-run-events");
      const { subscribeRunChannel } = await import("@/server/runs/stream/realtime-run-subscription");
      const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
      const runId = await startRun(sleeping());
      await stack().engine.settle();
      const sse = await stream(`/api/runs/${runId}/stream`);
      await sse.until(hasSeq(3));
      // What the channel itself carries, as any other subscriber (the run page) sees it.
      const published: string[] = [];
      const subscription = await subscribeRunChannel(runId, (message) => {
        published.push(JSON.stringify(message));
      });

      const message = "y".repeat(600 * 1024);
      const db = await getDb();
      const events = await db.transaction((tx) =>
        appendRunEvents(tx, {
          runId,
          workspaceId: LOCAL_WORKSPACE_ID,
          events: [{ type: "log", nodeId: "wait", data: { level: "info", message } }],
        }),
      );
      const seq = events[0]?.seq ?? 0;
      await publishRunEvents(events);

      await sse.until(hasSeq(seq), 15_000);
      const frame = sse.events().find((f) => f.id === String(seq));
      expect(JSON.parse(frame?.data ?? "")).toMatchObject({ runId, seq, type: "log", data: { message } });
      // Inngest truncates a publish over 512 KB: the channel carried a reference, not the event.
      await until(() => published.length > 0, "the published reference");
      subscription.close();
      expect(published[0]?.length).toBeLessThan(512 * 1024);
      expect(JSON.parse(published[0] ?? "")).toMatchObject({
        seq,
        data: {},
        omitted: { sizeBytes: expect.any(Number) },
      });
    });

    it("reads the database once per subscriber to replay, and never again while realtime delivers", async () => {
      const { observeQueries } = await import("@/server/db/query-observer");
      const { runFeedStats } = await import("@/server/runs/stream/run-feeds");
      const runId = await startRun(sleeping());
      await stack().engine.settle();
      const replayReads: string[] = [];
      const stop = observeQueries((sql) => {
        if (/from "run_events" where .*"run_events"\."seq" > /.test(sql)) replayReads.push(sql);
      });
      try {
        const subscribers = await Promise.all(
          Array.from({ length: 20 }, () => stream(`/api/runs/${runId}/stream`)),
        );
        await Promise.all(subscribers.map((sse) => sse.until(hasSeq(2))));
        expect(replayReads).toHaveLength(20);
        expect(runFeedStats().filter((feed) => feed.runId === runId)).toEqual([
          { runId, mode: "realtime", listeners: 20, reads: 0 },
        ]);

        await stack().engine.clock.advance(60_000);
        await stack().engine.settle();
        await Promise.all(subscribers.map((sse) => sse.until(ended)));
        const stored = (await storedEvents(runId)).map((e) => e.seq);
        for (const sse of subscribers) expect(ids(sse)).toEqual(stored);
        // The one extra read is this test's own storedEvents().
        expect(replayReads).toHaveLength(21);
        await Promise.all(subscribers.map((sse) => sse.ended));
        expect(runFeedStats().filter((feed) => feed.runId === runId)).toEqual([]);
      } finally {
        stop();
      }
    });

    it("serves every subscriber from one shared poller per run when realtime is unavailable", async () => {
      const { configureRunStreams } = await import("@/server/runs/stream/stream-settings");
      const { observeQueries } = await import("@/server/db/query-observer");
      configureRunStreams({
        clock: streamClock,
        subscribe: async () => {
          throw new Error("realtime unavailable");
        },
      });
      const runId = await startRun(sleeping());
      await stack().engine.settle();
      let reads = 0;
      const stop = observeQueries((sql) => {
        if (/from "run_events" where .*"run_events"\."seq" > /.test(sql)) reads++;
      });
      try {
        const subscribers = await Promise.all(
          Array.from({ length: 10 }, () => stream(`/api/runs/${runId}/stream`)),
        );
        await Promise.all(subscribers.map((sse) => sse.until(hasSeq(2))));
        expect(reads).toBe(10);

        await stack().engine.clock.advance(60_000);
        await stack().engine.settle();
        await streamClock.advance(1_000); // one poll, for all ten
        await Promise.all(subscribers.map((sse) => sse.until(ended)));
        expect(reads).toBe(11);
        const stored = (await storedEvents(runId)).map((e) => e.seq);
        for (const sse of subscribers) expect(ids(sse)).toEqual(stored);
      } finally {
        stop();
        configureRunStreams({ clock: streamClock });
      }
    });
  });
}
