import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

describe("limits", () => {
  let h: Harness;
  afterEach(() => h.close());

  describe.each(MODES)("%s mode", (mode) => {
    it("fails the run when a step output is over 4 MB", async () => {
      let after = 0;
      h = await startHarness(mode, (inngest) => [
        inngest.createFunction({ id: "big", triggers: [{ event: "app/big" }] }, async ({ step }) => {
          await step.run("huge", () => "x".repeat(4 * 1024 * 1024 + 1));
          await step.run("after", () => ++after);
        }),
      ]);
      const runId = await trigger(h, "app/big");
      await h.engine.settle();
      const run = h.engine.getRun(runId);
      expect(run?.status).toBe("Failed");
      expect(run?.error).toMatchObject({ name: "OutputTooLarge" });
      expect(run?.error?.message).toContain('"huge"');
      expect(after).toBe(0);
    });

    it("sends state over 4 MB out of band (use_api) and the SDK fetches it", async () => {
      const chunk = 2.5 * 1024 * 1024;
      h = await startHarness(mode, (inngest) => [
        inngest.createFunction({ id: "heavy", triggers: [{ event: "app/heavy" }] }, async ({ step }) => {
          const a = await step.run("a", () => "a".repeat(chunk));
          await step.sleep("pause", "1m");
          const b = await step.run("b", () => "b".repeat(chunk));
          await step.sleep("pause-2", "1m");
          return a.length + b.length;
        }),
      ]);
      const runId = await trigger(h, "app/heavy");
      await h.engine.drain();
      expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 2 * chunk });
    });
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
    expect(run?.status).toBe("Failed");
    expect(run?.error).toMatchObject({ name: "StepLimitExceeded" });
    expect(run?.steps.filter((s) => s.status === "Completed")).toHaveLength(1_000);
  });
});
