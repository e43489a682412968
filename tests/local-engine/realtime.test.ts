import { channel, getSubscriptionToken, staticSchema, subscribe } from "inngest/realtime";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { type Harness, MODES, startHarness, trigger } from "./harness";

// Node 20 has no global WebSocket; the SDK's subscribe client needs one.
beforeAll(() => {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
});

const jobs = channel({
  name: "jobs",
  topics: {
    status: { schema: staticSchema<{ msg: string }>() },
    logs: { schema: staticSchema<{ line: string }>() },
  },
});

type Received = { channel?: string; topic?: string; data: unknown; runId?: string; createdAt?: Date };

/** Poll for an async delivery over the socket (bounded; no fixed sleeps). */
async function until(check: () => boolean, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a realtime message");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function collect(h: Harness, topics: ("status" | "logs")[]) {
  const received: Received[] = [];
  const sub = await subscribe({
    app: h.inngest,
    channel: jobs,
    topics,
    onMessage: (m: Received) => void received.push(m),
  });
  return { received, close: () => sub.close() };
}

describe("realtime", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("delivers a non-durable publish to a subscriber in the SDK's message shape", async () => {
    h = await startHarness("checkpoint", () => []);
    const sub = await collect(h, ["status"]);
    await h.inngest.realtime.publish(jobs.status, { msg: "hello" });
    await until(() => sub.received.length === 1);
    expect(sub.received[0]).toMatchObject({ channel: "jobs", topic: "status", data: { msg: "hello" } });
    expect(sub.received[0]?.createdAt).toBeInstanceOf(Date);
    sub.close();
  });

  it("only delivers the channel and topics a token grants", async () => {
    h = await startHarness("checkpoint", () => []);
    const token = await getSubscriptionToken(h.inngest, { channel: "A", topics: ["t1"] });
    expect(token.key).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const socket = new WebSocket(
      `${h.engine.url.replace("http", "ws")}/v1/realtime/connect?token=${token.key}`,
    );
    const seen: { channel: string; topic: string; data: unknown }[] = [];
    socket.on("message", (raw) => seen.push(JSON.parse(String(raw))));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));

    const publish = (channelName: string, topic: string, data: unknown) =>
      fetch(`${h.engine.url}/v1/realtime/publish?channel=${channelName}&topic=${topic}`, {
        method: "POST",
        body: JSON.stringify(data),
      });
    await publish("B", "t1", "other channel");
    await publish("A", "t2", "other topic");
    await publish("A", "t1", "granted");
    await until(() => seen.length > 0);
    // One socket delivers in order: had B or t2 leaked, they would be first.
    expect(seen).toEqual([
      expect.objectContaining({ kind: "data", channel: "A", topic: "t1", data: "granted" }),
    ]);
    socket.close();

    // A subscriber holding A's token but asking for channel B gets nothing of B.
    const wrong: Received[] = [];
    const sub = await subscribe({
      channel: "B",
      topics: ["t1"],
      key: token.key,
      apiBaseUrl: h.engine.url,
      onMessage: (m: Received) => void wrong.push(m),
    });
    const right = await collect(h, ["status"]);
    await publish("B", "t1", "for B");
    await h.inngest.realtime.publish(jobs.status, { msg: "sentinel" });
    await until(() => right.received.length === 1);
    expect(wrong).toEqual([]);
    sub.close();
    right.close();
  });

  it("refuses a tampered or missing token", async () => {
    h = await startHarness("checkpoint", () => []);
    const token = await getSubscriptionToken(h.inngest, { channel: "A", topics: ["t1"] });
    const [head, , sig] = (token.key ?? "").split(".");
    const claims = Buffer.from(JSON.stringify({ exp: 9e9, grants: [{ channel: "B", topics: "*" }] }));
    const forged = `${head}.${claims.toString("base64url")}.${sig}`;
    // The SDK logs the refused socket with console.error; keep the output clean.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      subscribe({ channel: "B", topics: ["t1"], key: forged, apiBaseUrl: h.engine.url }),
    ).rejects.toThrow();
    quiet.mockRestore();
    const empty = await fetch(`${h.engine.url}/v1/realtime/token`, { method: "POST", body: "[]" });
    expect(empty.status).toBe(400);
  });

  describe.each(MODES)("inside a function (%s mode)", (mode) => {
    it("step.realtime.publish delivers once with the run id; inngest.realtime.publish works in steps", async () => {
      h = await startHarness(mode, (inngest) => [
        inngest.createFunction(
          { id: "announcer", triggers: [{ event: "app/announce" }] },
          async ({ step }) => {
            await step.realtime.publish("started", jobs.status, { msg: "started" });
            await step.run("work", async () => {
              await inngest.realtime.publish(jobs.logs, { line: "working" });
              return 1;
            });
            await step.realtime.publish("finished", jobs.status, { msg: "finished" });
            return "done";
          },
        ),
      ]);
      const sub = await collect(h, ["status", "logs"]);
      const runId = await trigger(h, "app/announce");
      await h.engine.settle();
      expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: "done" });

      await until(() => sub.received.length >= 3);
      expect(sub.received.map((m) => [m.topic, m.data, m.runId])).toEqual([
        ["status", { msg: "started" }, runId],
        ["logs", { line: "working" }, runId],
        ["status", { msg: "finished" }, runId],
      ]);
      expect(h.engine.getRun(runId)?.steps.map((s) => s.name)).toEqual(["started", "work", "finished"]);
      sub.close();
    });
  });
});
