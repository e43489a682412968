import { NonRetriableError, RetryAfterError } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

describe.each(MODES)("retries and failures (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("retries a step that throws twice, then completes (3 attempts)", async () => {
    let runs = 0;
    const attemptsSeen: number[] = [];
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        { id: "flaky", triggers: [{ event: "app/flaky" }] },
        async ({ step, attempt }) => {
          const value = await step.run("flaky-step", () => {
            runs++;
            attemptsSeen.push(attempt);
            if (runs <= 2) throw new Error(`boom ${runs}`);
            return "ok";
          });
          const next = await step.run("after", () => `${value}!`);
          return next;
        },
      ),
    ]);

    const runId = await trigger(h, "app/flaky");
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    expect(runs).toBe(1);

    await h.engine.drain();
    const run = h.engine.getRun(runId);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toBe("ok!");
    expect(runs).toBe(3);
    expect(attemptsSeen).toEqual([0, 1, 2]);
    const flaky = run?.steps.find((s) => s.name === "flaky-step");
    expect(flaky).toMatchObject({ status: "Completed", attempts: 3, output: "ok" });
    // The next step starts with a fresh attempt counter.
    expect(run?.steps.find((s) => s.name === "after")).toMatchObject({ attempts: 1 });
  });

  it("honours retry-after: no retry before the advertised time, one right after", async () => {
    let runs = 0;
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "rate-limited", triggers: [{ event: "app/rl" }] }, async ({ step }) => {
        return step.run("call-api", () => {
          runs++;
          if (runs === 1) throw new RetryAfterError("slow down", "30s");
          return runs;
        });
      }),
    ]);

    const runId = await trigger(h, "app/rl");
    await h.engine.settle();
    expect(runs).toBe(1);

    await h.engine.clock.advance(29_000);
    expect(runs).toBe(1);
    expect(h.engine.getRun(runId)?.status).toBe("Running");

    await h.engine.clock.advance(1_000);
    expect(runs).toBe(2);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 2 });
  });

  it("fails at once on NonRetriableError inside a step", async () => {
    let runs = 0;
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "fatal", triggers: [{ event: "app/fatal" }] }, async ({ step }) => {
        await step.run("validate", () => {
          runs++;
          throw new NonRetriableError("bad input");
        });
        return "unreachable";
      }),
    ]);

    const runId = await trigger(h, "app/fatal");
    await h.engine.settle();

    const run = h.engine.getRun(runId);
    expect(run?.status).toBe("Failed");
    expect(run?.error?.message).toContain("bad input");
    expect(runs).toBe(1);
    expect(run?.steps[0]).toMatchObject({ name: "validate", status: "Failed", attempts: 1 });
    expect(h.engine.clock.pending()).toBe(0);
  });

  it("fails at once on NonRetriableError thrown outside steps", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "fatal-fn", triggers: [{ event: "app/fatal-fn" }] }, async () => {
        throw new NonRetriableError("no way");
      }),
    ]);
    const runId = await trigger(h, "app/fatal-fn");
    await h.engine.settle();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Failed", error: { message: "no way" } });
    expect(h.calls).toHaveLength(1);
  });

  it("gives a step retries + 1 attempts, then lets the function catch the failure", async () => {
    let runs = 0;
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        { id: "exhaust", retries: 2, triggers: [{ event: "app/exhaust" }] },
        async ({ step }) => {
          try {
            await step.run("always-fails", () => {
              runs++;
              throw new Error("nope");
            });
          } catch (err) {
            return { caught: (err as Error).message };
          }
          return { caught: null };
        },
      ),
    ]);

    const runId = await trigger(h, "app/exhaust");
    await h.engine.drain();
    const run = h.engine.getRun(runId);
    expect(runs).toBe(3);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ caught: expect.stringContaining("nope") });
    expect(run?.steps[0]).toMatchObject({ status: "Failed", attempts: 3 });
  });

  it("uses Inngest's default of 4 retries (5 attempts) for function-level errors", async () => {
    const attempts: number[] = [];
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        { id: "default-retries", triggers: [{ event: "app/dr" }] },
        async ({ attempt }) => {
          attempts.push(attempt);
          throw new Error("always");
        },
      ),
    ]);
    const runId = await trigger(h, "app/dr");
    await h.engine.drain();
    expect(attempts).toEqual([0, 1, 2, 3, 4]);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Failed", error: { message: "always" } });
  });

  it("runs onFailure with the original event and the error after the run fails", async () => {
    const failures: { message: string; original: unknown }[] = [];
    h = await startHarness(mode, (inngest) => {
      // Declared apart from the array so `onFailure` infers its arguments.
      const fn = inngest.createFunction(
        {
          id: "with-handler",
          retries: 0,
          triggers: [{ event: "app/fail" }],
          onFailure: async ({ event, error }) => {
            failures.push({ message: error.message, original: event.data.event.data });
          },
        },
        async () => {
          throw new Error("kaput");
        },
      );
      return [fn];
    });
    const runId = await trigger(h, "app/fail", { order: 7 });
    await h.engine.drain();
    expect(h.engine.getRun(runId)?.status).toBe("Failed");
    expect(failures).toEqual([{ message: "kaput", original: { order: 7 } }]);
    const handlerRun = h.engine.listRuns({ functionId: "conformance-with-handler-failure" })[0];
    expect(handlerRun?.status).toBe("Completed");
  });
});
