import { describe, expect, it } from "vitest";
import { createManualClock } from "../../inngest/local/clock";
import { parseDurationMs, parseRetryAfter, resolveDeadline } from "../../inngest/local/duration";
import { evaluateExpression, matchesExpression } from "../../inngest/local/expression";
import { canonicalJson } from "../../inngest/local/signing";
import { startHarness, trigger } from "./harness";

describe("expressions", () => {
  const event = { name: "app/a", data: { id: 5, user: { plan: "pro" }, tags: ["x"], flag: true } };

  it("compares paths across event and async", () => {
    const scope = { event, async: { data: { id: 5 } } };
    expect(matchesExpression("event.data.id == async.data.id", scope)).toBe(true);
    expect(matchesExpression("event.data.id != async.data.id", scope)).toBe(false);
    expect(matchesExpression("event.data.user.plan == 'pro' && event.data.flag", scope)).toBe(true);
    expect(matchesExpression('event.data.tags[0] == "x" || false', scope)).toBe(true);
    expect(matchesExpression("!(event.data.id > 10) && event.data.id >= 5", scope)).toBe(true);
    expect(evaluateExpression("event.data.user", scope)).toEqual({ plan: "pro" });
  });

  it("never matches on missing fields and rejects unsupported syntax", () => {
    expect(matchesExpression("event.data.nope == async.data.nope", { event, async: { data: {} } })).toBe(
      false,
    );
    expect(() => matchesExpression("size(event.data.tags) > 0", { event })).toThrow(/Unsupported expression/);
  });
});

describe("durations", () => {
  it("reads the SDK's time strings, ISO dates and retry-after", () => {
    expect(parseDurationMs("1h")).toBe(3_600_000);
    expect(parseDurationMs("2h30m10s")).toBe(9_010_000);
    expect(parseDurationMs("1w1d")).toBe(691_200_000);
    expect(parseDurationMs("30 mins")).toBe(1_800_000);
    expect(parseDurationMs("soon")).toBeUndefined();
    expect(resolveDeadline("2030-01-01T00:00:00.000Z", 0)).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    expect(resolveDeadline(1_500, 1_000)).toBe(2_500);
    expect(parseRetryAfter("30", 0)).toBe(30_000);
    expect(parseRetryAfter("1970-01-01T00:01:00.000Z", 0)).toBe(60_000);
  });

  it("canonicalises JSON like JCS for signatures", () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: "x", c: undefined }] })).toBe(
      '{"a":[true,null,{"d":"x"}],"b":1}',
    );
  });
});

describe("manual clock", () => {
  it("fires timers in order during advance, including ones scheduled by fired timers", async () => {
    const fired: string[] = [];
    const clock = createManualClock(0, async () => {});
    clock.setTimer(2_000, () => fired.push("b"));
    clock.setTimer(1_000, () => {
      fired.push("a");
      clock.setTimer(clock.now() + 500, () => fired.push("a+500"));
    });
    clock.setTimer(5_000, () => fired.push("late"));
    await clock.advance(2_000);
    expect(fired).toEqual(["a", "a+500", "b"]);
    expect(clock.now()).toBe(2_000);
    expect(clock.pending()).toBe(1);
    await clock.fireNext();
    expect(clock.now()).toBe(5_000);
    expect(fired.at(-1)).toBe("late");
  });
});

describe("drain", () => {
  it("runs timers to completion and throws when a run keeps scheduling timers", async () => {
    const h = await startHarness("checkpoint", (inngest) => [
      inngest.createFunction({ id: "naps", triggers: [{ event: "app/naps" }] }, async ({ step }) => {
        for (let i = 0; i < 3; i++) await step.sleep(`nap-${i}`, "10m");
        return "rested";
      }),
      inngest.createFunction({ id: "forever", triggers: [{ event: "app/forever" }] }, async ({ step }) => {
        for (let i = 0; ; i++) await step.sleep(`nap-${i}`, "1m");
      }),
    ]);
    try {
      const naps = await trigger(h, "app/naps");
      await h.engine.drain();
      expect(h.engine.getRun(naps)).toMatchObject({ status: "Completed", output: "rested" });

      await trigger(h, "app/forever");
      await expect(h.engine.drain({ maxTimers: 5 })).rejects.toThrow(/timers still pending/);
    } finally {
      await h.close();
    }
  });
});
