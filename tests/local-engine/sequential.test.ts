import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

describe.each(MODES)("sequential steps (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("runs each step once, memoizes outputs as JSON and completes with the return value", async () => {
    const bodies = { load: 0, double: 0, stamp: 0 };
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        { id: "sequential", triggers: [{ event: "app/seq" }] },
        async ({ event, step }) => {
          const n = await step.run("load", () => {
            bodies.load++;
            return Number(event.data.n);
          });
          const doubled = await step.run("double", () => {
            bodies.double++;
            return n * 2;
          });
          // A Date crosses the wire as JSON, so later code sees a string.
          const stamped = await step.run("stamp", () => {
            bodies.stamp++;
            return { at: new Date(0) };
          });
          return { doubled, atType: typeof stamped.at, at: stamped.at };
        },
      ),
    ]);

    const runId = await trigger(h, "app/seq", { n: 21 });
    await h.engine.settle();

    const run = h.engine.getRun(runId);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ doubled: 42, atType: "string", at: "1970-01-01T00:00:00.000Z" });
    expect(bodies).toEqual({ load: 1, double: 1, stamp: 1 });
    expect(run?.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["load", "Completed", 1],
      ["double", "Completed", 1],
      ["stamp", "Completed", 1],
    ]);
    expect(run?.steps[1]?.output).toBe(42);

    // Classic replays once per step; checkpoint runs everything in one request.
    expect(h.calls).toEqual(mode === "classic" ? ["step", "step", "step", "step"] : ["step"]);
  });

  it("completes a stepless function with null when it returns nothing", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "noop", triggers: [{ event: "app/noop" }] }, async () => undefined),
    ]);
    const runId = await trigger(h, "app/noop");
    await h.engine.settle();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: null });
  });

  it("exposes the run over the REST read API", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "rest", triggers: [{ event: "app/rest" }] }, async ({ step }) => {
        return step.run("only", () => "done");
      }),
    ]);
    const { ids } = await h.inngest.send({ name: "app/rest", data: {} });
    await h.engine.settle();

    const byEvent = (await (await fetch(`${h.engine.url}/v1/events/${ids[0]}/runs`)).json()) as {
      data: { run_id: string; status: string; output: unknown; function_slug: string }[];
    };
    expect(byEvent.data).toHaveLength(1);
    expect(byEvent.data[0]).toMatchObject({
      status: "Completed",
      output: "done",
      function_slug: "conformance-rest",
    });

    const runId = byEvent.data[0]?.run_id;
    const single = (await (await fetch(`${h.engine.url}/v1/runs/${runId}`)).json()) as {
      data: { run_id: string; steps: { name: string; attempts: number }[] };
    };
    expect(single.data.run_id).toBe(runId);
    expect(single.data.steps).toMatchObject([{ name: "only", attempts: 1 }]);

    expect((await fetch(`${h.engine.url}/v1/runs/nope`)).status).toBe(400);
    expect((await fetch(`${h.engine.url}/health`)).status).toBe(200);
  });

  it("sends step.sendEvent once and triggers the listening function", async () => {
    let received = 0;
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "emitter", triggers: [{ event: "app/emit" }] }, async ({ step }) => {
        const sent = await step.sendEvent("notify", { name: "app/notified", data: { n: 1 } });
        await step.run("after", () => "x");
        return sent.ids.length;
      }),
      inngest.createFunction({ id: "listener", triggers: [{ event: "app/notified" }] }, async ({ event }) => {
        received += Number(event.data.n);
      }),
    ]);
    const runId = await trigger(h, "app/emit");
    await h.engine.settle();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 1 });
    expect(received).toBe(1);
    expect(h.engine.listRuns({ functionId: "conformance-listener" })).toHaveLength(1);
  });

  it("reads streamed answers (serve({ streaming: true }) answers 201 + final payload)", async () => {
    h = await startHarness(
      mode,
      (inngest) => [
        inngest.createFunction({ id: "streamed", triggers: [{ event: "app/stream" }] }, async ({ step }) => {
          const a = await step.run("a", () => 1);
          await step.sleep("pause", "1m");
          return a + (await step.run("b", () => 2));
        }),
      ],
      { streaming: true },
    );
    const runId = await trigger(h, "app/stream");
    await h.engine.drain();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 3 });
  });
});
