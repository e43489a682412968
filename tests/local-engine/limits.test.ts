import { channel, staticSchema, subscribe } from "inngest/realtime";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { LIMITS } from "../../inngest/local/limits";
import { type Harness, MODES, startHarness, trigger } from "./harness";

/**
 * Inngest's limits (pkg/consts/consts.go) with the server's answers and
 * error names, against the unmodified SDK. docs/INNGEST_PARITY.md lists them.
 */
const MB = 1024 * 1024;

describe("limits", () => {
  let h: Harness;
  afterEach(() => h.close());

  describe.each(MODES)("%s mode", (mode) => {
    it("retries a call whose step output is over 4 MB, re-running the step, then fails the run", async () => {
      let runs = 0;
      let after = 0;
      h = await startHarness(mode, (inngest) => [
        inngest.createFunction(
          { id: "big", retries: 2, triggers: [{ event: "app/big" }] },
          async ({ step }) => {
            await step.run("huge", () => {
              runs++;
              return "x".repeat(4 * MB);
            });
            await step.run("after", () => ++after);
          },
        ),
      ]);
      const runId = await trigger(h, "app/big");
      await h.engine.drain();
      const run = h.engine.getRun(runId);
      expect(run?.status).toBe("Failed");
      // httpdriver.ParseGenerator → GeneratorOpcode.Validate → state.ErrStepOutputTooLarge
      expect(run?.error).toMatchObject({ name: "Error" });
      expect(run?.error?.message).toMatch(
        /^error validating generator opcode [0-9a-f]{40}: step output size is greater than the limit$/,
      );
      expect(runs).toBe(3);
      expect(run?.steps.find((s) => s.name === "huge")).toMatchObject({ attempts: 3 });
      expect(after).toBe(0);
    }, 30_000);
  });

  it("rejects a checkpointed run's result over 4 MB (RunComplete in a 206) like a step's", async () => {
    let runs = 0;
    h = await startHarness("checkpoint", (inngest) => [
      inngest.createFunction(
        { id: "big-result", retries: 1, triggers: [{ event: "app/result" }] },
        async () => {
          runs++;
          return "x".repeat(4 * MB);
        },
      ),
    ]);
    const runId = await trigger(h, "app/result");
    await h.engine.drain();
    expect(h.engine.getRun(runId)).toMatchObject({
      status: "Failed",
      error: { name: "Error", message: expect.stringMatching(/step output size is greater than the limit$/) },
    });
    expect(runs).toBe(2);
  });

  // Checkpoint mode only (production's): classic mode replays 30 MB per call and takes ~15 s here.
  it("fails the run early, without retries, once its state passes 32 MB", async () => {
    const chunk = 3 * MB;
    const ran: number[] = [];
    h = await startHarness("checkpoint", (inngest) => [
      inngest.createFunction({ id: "fat", triggers: [{ event: "app/fat" }] }, async ({ step }) => {
        for (let i = 0; i < 11; i++) {
          await step.run(`s${i}`, () => {
            ran.push(i);
            return "x".repeat(chunk);
          });
        }
        return "unreachable";
      }),
    ]);
    const runId = await trigger(h, "app/fat");
    await h.engine.drain();
    const run = h.engine.getRun(runId);
    expect(run).toMatchObject({
      status: "Failed",
      error: {
        name: "InngestErrStateOverflowed",
        message: `The function run exceeded the state size limit of ${LIMITS.stateBytes} bytes.`,
      },
    });
    // 10 × 3 MB fit; the 11th would pass 32 MB and ran exactly once.
    expect(ran.filter((i) => i === 10)).toHaveLength(1);
    expect(run?.steps.filter((s) => s.status === "Completed")).toHaveLength(10);
  }, 60_000);

  it("answers a checkpoint with an oversized step 413 with Inngest's message, storing nothing", async () => {
    h = await startHarness("checkpoint", (inngest) => [
      inngest.createFunction({ id: "idle", triggers: [{ event: "app/idle" }] }, async ({ step }) => {
        await step.sleep("nap", "1h");
      }),
    ]);
    const runId = await trigger(h, "app/idle");
    await h.engine.settle();
    const post = (data: string) =>
      fetch(`${h.engine.url}/v1/checkpoint/${runId}/async`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          run_id: runId,
          fn_id: "x",
          steps: [{ op: "StepRun", id: "a1", name: "a", data }],
        }),
      });
    const tooBig = await post("x".repeat(LIMITS.stepOutputBytes));
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({
      error: "step a1 output too large: step output size is greater than the limit",
    });
    expect(h.engine.getRun(runId)?.steps.find((s) => s.id === "a1")).toBeUndefined();
    expect((await post("fits")).status).toBe(200);
  });

  it("fails the run at the 1,001st step", async () => {
    h = await startHarness("checkpoint", (inngest) => [
      inngest.createFunction({ id: "many", triggers: [{ event: "app/many" }] }, async ({ step }) => {
        for (let i = 0; i < 1_001; i++) await step.run(`s${i}`, () => i);
        return "unreachable";
      }),
    ]);
    const runId = await trigger(h, "app/many");
    await h.engine.settle();
    const run = h.engine.getRun(runId);
    expect(run).toMatchObject({
      status: "Failed",
      error: {
        name: "InngestErrFunctionOverflowed",
        message: "The function run exceeded the step limit of 1000 steps.",
      },
    });
    expect(run?.steps.filter((s) => s.status === "Completed")).toHaveLength(1_000);
  });

  it("refuses an event over 512 KB with the event API's 400, and accepts one that fits", async () => {
    h = await startHarness("checkpoint", () => []);
    // The JSON of { name, data: { s } } plus the SDK's id and ts: leave room for them.
    await expect(
      h.inngest.send({ name: "app/big", data: { s: "x".repeat(LIMITS.eventBytes) } }),
    ).rejects.toThrow(/Event is over the max size: Max 524288 bytes/);
    await h.inngest.send({ name: "app/fits", data: { s: "x".repeat(LIMITS.eventBytes - 1024) } });
    expect(h.engine.listEvents().map((e) => e.payload.name)).toEqual(["app/fits"]);
  });

  it("takes the free plan's 256 KB event limit as an option", async () => {
    h = await startHarness("checkpoint", () => [], { maxEventBytes: LIMITS.freePlanEventBytes });
    await expect(h.inngest.send({ name: "app/mid", data: { s: "x".repeat(300 * 1024) } })).rejects.toThrow(
      /Max 262144 bytes/,
    );
  });

  it("cuts a realtime publish at 512 KB; the cut JSON reaches subscribers as a string", async () => {
    // Node 20 has no global WebSocket; the SDK's subscribe client needs one.
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    h = await startHarness("checkpoint", () => []);
    const big = channel({ name: "big", topics: { t: { schema: staticSchema<{ s: string }>() } } });
    const received: unknown[] = [];
    const sub = await subscribe({
      app: h.inngest,
      channel: big,
      topics: ["t"],
      onMessage: (m: { data: unknown }) => void received.push(m.data),
    });
    await h.inngest.realtime.publish(big.t, { s: "x".repeat(600 * 1024) });
    await h.inngest.realtime.publish(big.t, { s: "fits" });
    const deadline = Date.now() + 5_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    sub.close();
    expect(typeof received[0]).toBe("string");
    expect(received[0]).toBe(`{"s":"${"x".repeat(LIMITS.publishBytes - 6)}`);
    expect(received[1]).toEqual({ s: "fits" });
  });
});
