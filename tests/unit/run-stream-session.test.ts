import { describe, expect, it, vi } from "vitest";
import { RunStreamSession, type SessionEnd } from "@/server/runs/stream/run-stream-session";
import type { RunEventMessage } from "../../inngest/channels";
import { createManualClock } from "../../inngest/local/clock";
import { createSseParser, type SseFrame } from "../helpers/sse-client";

/** One client's stream in isolation: ordering, dedupe, gaps, end, heartbeats, the duration limit. */

const event = (seq: number, type = "log", data: Record<string, unknown> = {}): RunEventMessage => ({
  runId: "run_x",
  seq,
  type,
  nodeId: null,
  data,
  at: new Date(0).toISOString(),
});

function setup(options: { afterSeq?: number; accept?: () => boolean } = {}) {
  const clock = createManualClock(1_000_000, async () => {});
  const frames: SseFrame[] = [];
  const parse = createSseParser((frame) => frames.push(frame));
  const decoder = new TextDecoder();
  const closes: SessionEnd[] = [];
  let sinkClosed = false;
  const requestCatchUp = vi.fn();
  const session = new RunStreamSession({
    afterSeq: options.afterSeq ?? 0,
    sink: {
      write(frame) {
        parse(decoder.decode(frame));
        return options.accept?.() ?? true;
      },
      close() {
        sinkClosed = true;
      },
    },
    clock,
    heartbeatMs: 15_000,
    maxDurationMs: 280_000,
    gapGraceMs: 1_000,
    requestCatchUp,
    onClose: (reason) => closes.push(reason),
  });
  session.start();
  const ids = () => frames.filter((f) => f.id !== undefined).map((f) => Number(f.id));
  return { clock, frames, session, closes, requestCatchUp, ids, sinkClosed: () => sinkClosed };
}

describe("a run stream session", () => {
  it("tells the client to reconnect quickly, then writes each event with its seq as id and its type as name", () => {
    const { session, frames } = setup();
    session.replay([event(1, "run.status", { status: "queued" }), event(2, "step.started")]);
    expect(frames[0]).toMatchObject({ retry: 1000 });
    expect(frames.slice(1).map((f) => [f.id, f.event])).toEqual([
      ["1", "run.status"],
      ["2", "step.started"],
    ]);
    expect(JSON.parse(frames[2]?.data ?? "")).toMatchObject({ runId: "run_x", seq: 2, type: "step.started" });
  });

  it("holds live events that arrive during the replay and writes only those after it, once each", () => {
    const { session, ids } = setup({ afterSeq: 2 });
    session.receive([event(4), event(5)]); // published while the replay was being read
    expect(ids()).toEqual([]);
    session.replay([event(3), event(4)]);
    session.receive([event(5), event(6), event(4)]);
    expect(ids()).toEqual([3, 4, 5, 6]);
  });

  it("puts out-of-order live events back in order without asking the database", () => {
    const { session, ids, clock, requestCatchUp } = setup();
    session.replay([event(1)]);
    session.receive([event(3)]);
    expect(ids()).toEqual([1]);
    session.receive([event(2)]);
    expect(ids()).toEqual([1, 2, 3]);
    return clock.advance(5_000).then(() => expect(requestCatchUp).not.toHaveBeenCalled());
  });

  it("asks for a catch-up read when a gap stays open past the grace period, then fills it", async () => {
    const { session, ids, clock, requestCatchUp } = setup();
    session.replay([event(1)]);
    session.receive([event(3), event(4)]); // 2 was lost on the way
    await clock.advance(999);
    expect(requestCatchUp).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(requestCatchUp).toHaveBeenCalledTimes(1);
    session.receive([event(2), event(3), event(4)]); // what the read found
    expect(ids()).toEqual([1, 2, 3, 4]);
    await clock.advance(10_000);
    expect(requestCatchUp).toHaveBeenCalledTimes(1);
  });

  it("sends `end` after the terminal status and closes", () => {
    const { session, frames, closes, sinkClosed } = setup();
    session.replay([event(1, "run.status", { status: "running" })]);
    session.receive([event(2, "run.status", { status: "waiting" })]);
    expect(closes).toEqual([]);
    session.receive([event(3, "run.status", { status: "partial" }), event(4)]);
    expect(frames.at(-1)).toMatchObject({ event: "end" });
    expect(JSON.parse(frames.at(-1)?.data ?? "")).toEqual({ status: "partial" });
    expect(frames.filter((f) => f.id).map((f) => f.id)).toEqual(["1", "2", "3"]);
    expect(closes).toEqual(["end"]);
    expect(sinkClosed()).toBe(true);
  });

  it("ends a finished run whose terminal event the client already has", () => {
    const { session, frames, closes } = setup({ afterSeq: 9 });
    session.replay([]);
    session.end("succeeded");
    expect(frames.map((f) => f.event)).toEqual(["message", "end"]);
    expect(closes).toEqual(["end"]);
  });

  it("sends a heartbeat every interval while open, and none after closing", async () => {
    const { session, frames, clock } = setup();
    session.replay([]);
    await clock.advance(14_999);
    expect(frames.filter((f) => f.event === "heartbeat")).toHaveLength(0);
    await clock.advance(1);
    await clock.advance(15_000);
    const beats = frames.filter((f) => f.event === "heartbeat");
    expect(beats).toHaveLength(2);
    expect(beats.every((f) => f.id === undefined)).toBe(true);
    session.close("client_gone");
    await clock.advance(60_000);
    expect(frames.filter((f) => f.event === "heartbeat")).toHaveLength(2);
    expect(clock.pending()).toBe(0);
  });

  it("closes itself cleanly, without `end`, at the duration limit", async () => {
    const { session, frames, clock, closes, sinkClosed } = setup();
    session.replay([event(1)]);
    await clock.advance(280_000);
    expect(closes).toEqual(["max_duration"]);
    expect(sinkClosed()).toBe(true);
    expect(frames.some((f) => f.event === "end")).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it("drops a client that stopped reading (it resumes later with Last-Event-ID)", () => {
    let room = 3;
    const { session, closes, ids } = setup({ accept: () => room-- > 0 });
    session.replay([event(1), event(2), event(3), event(4)]);
    expect(closes).toEqual(["overloaded"]);
    expect(ids()).toEqual([1, 2, 3]);
  });
});
