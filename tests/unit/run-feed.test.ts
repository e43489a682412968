import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.LOG_LEVEL = "silent";
});

import type {
  RunChannelSubscription,
  SubscribeRunChannel,
} from "@/server/runs/stream/realtime-run-subscription";
import { type FeedListener, RunFeed } from "@/server/runs/stream/run-feed";
import type { RunEventMessage } from "../../inngest/channels";
import { createManualClock } from "../../inngest/local/clock";

/** One run's shared feed: one subscription or one poller for every listener, never one each. */

const event = (seq: number): RunEventMessage => ({
  runId: "run_x",
  seq,
  type: "log",
  nodeId: null,
  data: {},
  at: new Date(0).toISOString(),
});

/** `null`: still replaying. */
function listener(position: number | null = 0) {
  const received: number[] = [];
  const self: FeedListener & { received: number[]; at: number | undefined } = {
    received,
    at: position ?? undefined,
    position: () => self.at,
    receive: (events) => received.push(...events.map((e) => e.seq)),
  };
  return self;
}

/** A realtime stand-in: `publish` reaches every open subscription; `drop` ends them as a lost socket would. */
function fakeRealtime(options: { fail?: () => boolean } = {}) {
  const open = new Set<{ onMessage: (m: RunEventMessage) => void; end: () => void }>();
  const subscribe = vi.fn<SubscribeRunChannel>(async (_runId, onMessage) => {
    if (options.fail?.()) throw new Error("realtime is down");
    let end = () => {};
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const entry = { onMessage, end };
    open.add(entry);
    const subscription: RunChannelSubscription = {
      close: () => {
        open.delete(entry);
        end();
      },
      ended,
    };
    return subscription;
  });
  return {
    subscribe,
    open,
    publish: (m: RunEventMessage) => {
      for (const entry of open) entry.onMessage(m);
    },
    drop: () => {
      for (const entry of [...open]) {
        open.delete(entry);
        entry.end();
      }
    },
  };
}

function makeFeed(realtime: ReturnType<typeof fakeRealtime>, stored: RunEventMessage[] = []) {
  const clock = createManualClock(0, async () => {});
  const read = vi.fn(async (afterSeq: number) => stored.filter((e) => e.seq > afterSeq));
  const feed = new RunFeed({
    runId: "run_x",
    read,
    subscribe: realtime.subscribe,
    clock,
    pollIntervalMs: 1_000,
    connectTimeoutMs: 5_000,
    resubscribeMs: 5_000,
  });
  return { feed, read, clock };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("a run feed", () => {
  it("opens one realtime subscription for all its listeners and fans every message out, without reading", async () => {
    const realtime = fakeRealtime();
    const { feed, read } = makeFeed(realtime);
    const listeners = Array.from({ length: 50 }, () => listener());
    await Promise.all(listeners.map((l) => feed.attach(l)));
    expect(feed.mode).toBe("realtime");
    realtime.publish(event(1));
    realtime.publish(event(2));
    expect(realtime.subscribe).toHaveBeenCalledTimes(1);
    expect(listeners.every((l) => l.received.join() === "1,2")).toBe(true);
    expect(read).not.toHaveBeenCalled();
    for (const l of listeners.slice(1)) expect(feed.detach(l)).toBe(false);
    expect(feed.detach(listeners[0] as FeedListener)).toBe(true);
    feed.close();
    expect(realtime.open.size).toBe(0);
  });

  it("polls once per interval for all listeners when realtime cannot be reached", async () => {
    const realtime = fakeRealtime({ fail: () => true });
    const stored = [event(1), event(2), event(3)];
    const { feed, read, clock } = makeFeed(realtime, stored);
    const ahead = listener(2);
    const behind = listener(1);
    const replaying = listener(null);
    await Promise.all([ahead, behind, replaying].map((l) => feed.attach(l)));
    expect(feed.mode).toBe("polling");

    await clock.advance(1_000);
    await settle();
    // One read, from the lowest position of the listeners that finished their replay.
    expect(read.mock.calls).toEqual([[1]]);
    expect(behind.received).toEqual([2, 3]);
    await clock.advance(3_000);
    await settle();
    expect(read).toHaveBeenCalledTimes(4);
    feed.close();
    expect(clock.pending()).toBe(0);
  });

  it("falls back to polling when the subscription drops, and resubscribes later with one catch-up read", async () => {
    let down = false;
    const realtime = fakeRealtime({ fail: () => down });
    const stored = [event(1)];
    const { feed, read, clock } = makeFeed(realtime, stored);
    const l = listener(0);
    await feed.attach(l);
    down = true;
    realtime.drop();
    await settle();
    expect(feed.mode).toBe("polling");
    await clock.advance(1_000);
    await settle();
    expect(l.received).toEqual([1]);
    l.at = 1;

    down = false;
    stored.push(event(2));
    await clock.advance(4_000); // the resubscribe is due 5 s after the drop
    await settle();
    expect(feed.mode).toBe("realtime");
    const readsAfterResubscribe = read.mock.calls.length;
    await clock.advance(10_000);
    await settle();
    expect(read.mock.calls.length).toBe(readsAfterResubscribe);
    expect(l.received).toContain(2);
    feed.close();
  });

  it("gives up on a subscription that does not open in time", async () => {
    const clock = createManualClock(0, async () => {});
    const never: SubscribeRunChannel = () => new Promise(() => {});
    const feed = new RunFeed({
      runId: "run_x",
      read: async () => [],
      subscribe: never,
      clock,
      pollIntervalMs: 1_000,
      connectTimeoutMs: 5_000,
      resubscribeMs: 30_000,
    });
    const attached = feed.attach(listener());
    await clock.advance(5_000);
    await attached;
    expect(feed.mode).toBe("polling");
    feed.close();
  });

  it("answers many catch-up requests at once with at most two reads", async () => {
    const realtime = fakeRealtime();
    const { feed, read } = makeFeed(realtime, [event(1), event(2)]);
    const listeners = Array.from({ length: 20 }, () => listener(0));
    await Promise.all(listeners.map((l) => feed.attach(l)));
    for (let i = 0; i < 20; i++) feed.requestCatchUp();
    await settle();
    await settle();
    expect(read.mock.calls.length).toBeLessThanOrEqual(2);
    expect(listeners.every((l) => l.received.includes(2))).toBe(true);
    feed.close();
  });
});
