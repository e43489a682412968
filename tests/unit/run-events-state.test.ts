import { describe, expect, it } from "vitest";
import type { RunEventMessage } from "../../inngest/channels";
import {
  firstMissingSeq,
  isOmittedRunEvent,
  isRunEventMessage,
  latestRunStatus,
  mergeRunEvents,
} from "../../src/components/runs/run-events";

const event = (seq: number, type = "log", data: Record<string, unknown> = {}): RunEventMessage => ({
  runId: "run_x",
  seq,
  type: type as RunEventMessage["type"],
  nodeId: null,
  data,
  at: "2026-11-29T00:00:00.000Z",
});

describe("a run's event log in the browser", () => {
  it("merges rendered, filled and live events once each, in seq order", () => {
    const merged = mergeRunEvents([event(1), event(2)], [event(5), event(3)], [event(4), event(2), event(6)]);
    expect(merged.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("names the first missing seq while a later one has arrived", () => {
    expect(firstMissingSeq([event(1), event(2), event(3)])).toBeNull();
    expect(firstMissingSeq([event(1), event(2), event(4), event(9)])).toBe(3);
    expect(firstMissingSeq([event(2)])).toBe(1);
    expect(firstMissingSeq([])).toBeNull();
  });

  it("counts a seq announced without its data (too large to publish) as missing until it is read", () => {
    expect(firstMissingSeq([event(1), event(2)], [3])).toBe(3);
    expect(firstMissingSeq([event(1), event(2), event(4)], [5])).toBe(3);
    expect(firstMissingSeq([event(1), event(2), event(3)], [3])).toBeNull();
    expect(isOmittedRunEvent({ ...event(3), data: {}, omitted: { sizeBytes: 600_000 } })).toBe(true);
    expect(isOmittedRunEvent(event(3))).toBe(false);
  });

  it("takes the status from the latest run.status event, else the rendered one", () => {
    const events = [
      event(1, "run.status", { status: "queued" }),
      event(2, "run.status", { status: "running" }),
      event(3, "step.completed"),
      event(4, "run.status", { status: "succeeded" }),
      event(5, "log"),
    ];
    expect(latestRunStatus(events, "running")).toBe("succeeded");
    expect(latestRunStatus([event(1, "log")], "queued")).toBe("queued");
  });

  it("recognises event messages", () => {
    expect(isRunEventMessage(event(1))).toBe(true);
    expect(isRunEventMessage({ seq: "1", type: "log" })).toBe(false);
    expect(isRunEventMessage(null)).toBe(false);
  });
});
