import { NonRetriableError } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

describe.each(MODES)("step.invoke (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("runs the child with the payload and memoizes its output", async () => {
    let childRuns = 0;
    h = await startHarness(mode, (inngest) => {
      const child = inngest.createFunction(
        { id: "child", triggers: [{ event: "app/child.direct" }] },
        async ({ event, step }) => {
          const sum = await step.run("sum", () => {
            childRuns++;
            return Number(event.data.a) + Number(event.data.b);
          });
          return { sum };
        },
      );
      const parent = inngest.createFunction(
        { id: "parent", triggers: [{ event: "app/parent" }] },
        async ({ step }) => {
          const result = await step.invoke("call-child", { function: child, data: { a: 2, b: 3 } });
          return { fromChild: result.sum };
        },
      );
      return [child, parent];
    });

    const runId = await trigger(h, "app/parent");
    await h.engine.settle();

    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: { fromChild: 5 } });
    expect(childRuns).toBe(1);
    const [childRun] = h.engine.listRuns({ functionId: "conformance-child" });
    expect(childRun).toMatchObject({ status: "Completed", parentRunId: runId });
    expect(childRun?.event.name).toBe("inngest/function.invoked");
    expect(h.engine.getRun(runId)?.steps[0]).toMatchObject({ name: "call-child", op: "InvokeFunction" });
  });

  it("throws the child's failure in the parent", async () => {
    h = await startHarness(mode, (inngest) => {
      const child = inngest.createFunction({ id: "bad-child", triggers: [] }, async () => {
        throw new NonRetriableError("child broke");
      });
      const parent = inngest.createFunction(
        { id: "catcher", triggers: [{ event: "app/catch" }] },
        async ({ step }) => {
          try {
            await step.invoke("call", { function: child, data: {} });
            return "no error";
          } catch (err) {
            return `caught: ${(err as Error).message}`;
          }
        },
      );
      return [child, parent];
    });
    const runId = await trigger(h, "app/catch");
    await h.engine.settle();
    const run = h.engine.getRun(runId);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toContain("child broke");
  });

  it("fails the invoke step when the child does not finish in time", async () => {
    h = await startHarness(mode, (inngest) => {
      const slow = inngest.createFunction({ id: "slow", triggers: [] }, async ({ step }) => {
        await step.sleep("long", "1d");
        return "late";
      });
      const parent = inngest.createFunction(
        { id: "impatient", triggers: [{ event: "app/impatient" }] },
        async ({ step }) => {
          try {
            return await step.invoke("call", { function: slow, data: {}, timeout: "1h" });
          } catch (err) {
            return `timeout: ${(err as Error).message}`;
          }
        },
      );
      return [slow, parent];
    });
    const runId = await trigger(h, "app/impatient");
    await h.engine.clock.advance(3_600_000);
    expect(h.engine.getRun(runId)?.output).toMatch(/^timeout: .*Timed out/);
  });

  it("without a timeout, expires after one year (Inngest's default), not never", async () => {
    h = await startHarness(mode, (inngest) => {
      const stuck = inngest.createFunction({ id: "stuck", triggers: [] }, async ({ step }) => {
        await step.waitForEvent("never", { event: "app/never", timeout: "1000d" });
        return "late";
      });
      const parent = inngest.createFunction(
        { id: "patient", triggers: [{ event: "app/patient" }] },
        async ({ step }) => {
          try {
            return await step.invoke("call", { function: stuck, data: {} });
          } catch (err) {
            return `${(err as Error).name}: ${(err as Error).message}`;
          }
        },
      );
      return [stuck, parent];
    });
    const start = h.engine.clock.now();
    const runId = await trigger(h, "app/patient");
    await h.engine.settle();
    const yearLater = new Date(start);
    yearLater.setUTCFullYear(yearLater.getUTCFullYear() + 1);
    await h.engine.clock.advance(yearLater.getTime() - start - 60_000);
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    await h.engine.clock.advance(60_000);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed" });
    expect(h.engine.getRun(runId)?.output).toMatch(/Timed out waiting for invoked function to complete/);
    // The child itself is not ended by its parent's timeout.
    expect(h.engine.listRuns({ functionId: "conformance-stuck" })[0]?.status).toBe("Running");
  });

  it("resolves the parent with the finish event when the child is cancelled (it does not throw)", async () => {
    h = await startHarness(mode, (inngest) => {
      const child = inngest.createFunction(
        { id: "stoppable", triggers: [], cancelOn: [{ event: "app/stop" }] },
        async ({ step }) => {
          await step.sleep("nap", "1h");
          return "woke";
        },
      );
      const parent = inngest.createFunction(
        { id: "waiter", triggers: [{ event: "app/wait-child" }] },
        async ({ step }) => {
          try {
            return { resolved: await step.invoke("call", { function: child, data: { n: 1 } }) };
          } catch (err) {
            return { threw: (err as Error).message };
          }
        },
      );
      return [child, parent];
    });
    const runId = await trigger(h, "app/wait-child");
    await h.engine.settle();
    const [childRun] = h.engine.listRuns({ functionId: "conformance-stoppable" });
    expect(childRun?.status).toBe("Running");

    await h.inngest.send({ name: "app/stop", data: {} });
    await h.engine.settle();
    expect(h.engine.listRuns({ functionId: "conformance-stoppable" })[0]?.status).toBe("Cancelled");
    const parent = h.engine.getRun(runId);
    expect(parent?.status).toBe("Completed");
    expect(parent?.output).toEqual({
      resolved: {
        name: "inngest/function.finished",
        id: expect.any(String),
        ts: expect.any(Number),
        user: {},
        data: {
          function_id: "conformance-stoppable",
          run_id: childRun?.runId,
          event: expect.objectContaining({ name: "inngest/function.invoked" }),
          events: [expect.objectContaining({ name: "inngest/function.invoked" })],
          correlation_id: `${runId}.${parent?.steps[0]?.id}`,
          _inngest: { status: "Cancelled" },
        },
      },
    });
  });
});
