import { RetryAfterError } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { INNGEST_BACKOFF_JITTER_MS, INNGEST_BACKOFF_TABLE_MS } from "../../inngest/local/backoff";
import { type Harness, startHarness, trigger } from "./harness";

/**
 * Inngest's retry schedule (pkg/backoff/backoff.go): the engine's default.
 * The harness uses the fast schedule; these tests ask for the real one and
 * move the manual clock through it.
 */
describe("retry backoff (Inngest's table)", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("spaces 10 retries 15 s, 30 s, 1 m … 2 h (+ 0–30 s jitter) apart: 4 h 19–24 m in all", async () => {
    let runs = 0;
    h = await startHarness(
      "checkpoint",
      (inngest) => [
        inngest.createFunction(
          { id: "doomed", retries: 10, triggers: [{ event: "app/doomed" }] },
          async ({ step }) =>
            step.run("always-fails", () => {
              runs++;
              throw new Error(`attempt ${runs}`);
            }),
        ),
      ],
      { retryBackoff: "inngest" },
    );
    const runId = await trigger(h, "app/doomed");
    await h.engine.settle();
    expect(runs).toBe(1);

    const startedAt = h.engine.clock.now();
    for (const [index, delay] of INNGEST_BACKOFF_TABLE_MS.entries()) {
      const failedAt = h.engine.clock.now();
      const gap = (h.engine.clock.nextAt() ?? Number.NaN) - failedAt;
      expect(gap, `retry ${index + 1}`).toBeGreaterThanOrEqual(delay);
      expect(gap, `retry ${index + 1}`).toBeLessThan(delay + INNGEST_BACKOFF_JITTER_MS);
      await h.engine.clock.advance(gap - 1);
      expect(runs, `retry ${index + 1} came early`).toBe(index + 1);
      await h.engine.clock.advance(1);
      expect(runs, `retry ${index + 1} did not run`).toBe(index + 2);
    }
    // 4 h 18 m 45 s of table plus at most 10 × 30 s of jitter.
    const elapsed = h.engine.clock.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(15_525_000);
    expect(elapsed).toBeLessThan(15_525_000 + 10 * INNGEST_BACKOFF_JITTER_MS);
    const run = h.engine.getRun(runId);
    expect(run).toMatchObject({ status: "Failed", error: { message: "attempt 11" } });
    expect(run?.steps.find((s) => s.name === "always-fails")).toMatchObject({ attempts: 11 });
    expect(h.engine.clock.pending()).toBe(0);
  });

  it("clamps retry-after to 1 s – 24 h, as Inngest does", async () => {
    let runs = 0;
    h = await startHarness(
      "classic",
      (inngest) => [
        inngest.createFunction(
          { id: "clamped", retries: 2, triggers: [{ event: "app/clamped" }] },
          async ({ step }) =>
            step.run("call-api", () => {
              runs++;
              if (runs === 1) throw new RetryAfterError("now", 0);
              if (runs === 2) throw new RetryAfterError("in two days", new Date(Date.now() + 48 * 3_600_000));
              return runs;
            }),
        ),
      ],
      { retryBackoff: "inngest", startTime: Date.now() },
    );
    const runId = await trigger(h, "app/clamped");
    await h.engine.settle();
    expect(runs).toBe(1);
    await h.engine.clock.advance(999);
    expect(runs).toBe(1);
    await h.engine.clock.advance(1);
    expect(runs).toBe(2);
    await h.engine.clock.advance(24 * 3_600_000 - 1);
    expect(runs).toBe(2);
    await h.engine.clock.advance(1);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 3 });
  });
});
