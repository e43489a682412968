import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

describe.each(MODES)("sleep, waitForEvent and cancelOn (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("completes step.sleep('1h') only once the clock has advanced an hour", async () => {
    let after = 0;
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "sleeper", triggers: [{ event: "app/sleep" }] }, async ({ step }) => {
        await step.sleep("nap", "1h");
        return step.run("after-nap", () => ++after);
      }),
    ]);

    const runId = await trigger(h, "app/sleep");
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.steps[0]).toMatchObject({ name: "nap", op: "Sleep", status: "Sleeping" });

    await h.engine.clock.advance(3_599_999);
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    expect(after).toBe(0);

    await h.engine.clock.advance(1);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 1 });
    expect(after).toBe(1);
  });

  it("supports sleepUntil with a date", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "until", triggers: [{ event: "app/until" }] }, async ({ event, step }) => {
        await step.sleepUntil("wake", new Date(Number(event.data.at)));
        return "awake";
      }),
    ]);
    const at = h.engine.clock.now() + 120_000;
    const runId = await trigger(h, "app/until", { at });
    await h.engine.clock.advance(119_000);
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    await h.engine.clock.advance(1_000);
    expect(h.engine.getRun(runId)?.status).toBe("Completed");
  });

  it("resumes waitForEvent with the matching event (match on a field)", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "approval", triggers: [{ event: "app/request" }] }, async ({ step }) => {
        const approval = await step.waitForEvent("await-approval", {
          event: "app/approved",
          match: "data.requestId",
          timeout: "1d",
        });
        return approval ? { by: approval.data.by, name: approval.name } : "timed out";
      }),
    ]);

    const runId = await trigger(h, "app/request", { requestId: "r1" });
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.steps[0]).toMatchObject({ op: "WaitForEvent", status: "Waiting" });

    await h.inngest.send({ name: "app/approved", data: { requestId: "other", by: "mallory" } });
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.status).toBe("Running");

    await h.inngest.send({ name: "app/approved", data: { requestId: "r1", by: "alice" } });
    await h.engine.settle();
    expect(h.engine.getRun(runId)).toMatchObject({
      status: "Completed",
      output: { by: "alice", name: "app/approved" },
    });
  });

  it("supports an explicit `if` expression", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "if-wait", triggers: [{ event: "app/start" }] }, async ({ step }) => {
        const found = await step.waitForEvent("wait", {
          event: "app/done",
          if: "event.data.id == async.data.id && async.data.ok == true",
          timeout: "1h",
        });
        return found?.data.id ?? null;
      }),
    ]);
    const runId = await trigger(h, "app/start", { id: 5 });
    await h.engine.settle();
    await h.inngest.send({ name: "app/done", data: { id: 5, ok: false } });
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    await h.inngest.send({ name: "app/done", data: { id: 5, ok: true } });
    await h.engine.settle();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 5 });
  });

  it("resumes waitForEvent with null when the timeout passes", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "timeout", triggers: [{ event: "app/wait" }] }, async ({ step }) => {
        const found = await step.waitForEvent("wait", { event: "app/never", timeout: "2h" });
        return found === null ? "timed out" : "found";
      }),
    ]);
    const runId = await trigger(h, "app/wait");
    await h.engine.clock.advance(7_199_000);
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    await h.engine.clock.advance(1_000);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: "timed out" });
  });

  it("cancels a sleeping run when a cancelOn event matches", async () => {
    let after = 0;
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        {
          id: "cancellable",
          triggers: [{ event: "app/job" }],
          cancelOn: [{ event: "app/job.cancel", match: "data.jobId" }],
        },
        async ({ step }) => {
          await step.sleep("wait", "1h");
          await step.run("after", () => ++after);
        },
      ),
    ]);
    const keep = await trigger(h, "app/job", { jobId: "keep" });
    const stop = await trigger(h, "app/job", { jobId: "stop" });
    await h.engine.settle();

    await h.inngest.send({ name: "app/job.cancel", data: { jobId: "stop" } });
    await h.engine.drain();

    expect(h.engine.getRun(stop)?.status).toBe("Cancelled");
    expect(h.engine.getRun(keep)?.status).toBe("Completed");
    expect(after).toBe(1);
  });
});
