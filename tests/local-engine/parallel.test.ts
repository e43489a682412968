import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

describe.each(MODES)("parallel fan-out (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("runs every Promise.all branch exactly once, waits for the group, then continues", async () => {
    const bodies: Record<string, number> = {};
    const count = (id: string) => {
      bodies[id] = (bodies[id] ?? 0) + 1;
    };
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "fan-out", triggers: [{ event: "app/fan" }] }, async ({ step }) => {
        const first = await step.run("before", () => {
          count("before");
          return 1;
        });
        const branches = await Promise.all(
          ["a", "b", "c", "d"].map((id, i) =>
            step.run(`branch-${id}`, () => {
              count(id);
              return first + i;
            }),
          ),
        );
        const total = await step.run("after", () => {
          count("after");
          return branches.reduce((sum, n) => sum + n, 0);
        });
        return { branches, total };
      }),
    ]);

    const runId = await trigger(h, "app/fan");
    await h.engine.settle();

    const run = h.engine.getRun(runId);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ branches: [1, 2, 3, 4], total: 10 });
    expect(bodies).toEqual({ before: 1, a: 1, b: 1, c: 1, d: 1, after: 1 });
    expect(run?.steps.every((s) => s.attempts === 1 && s.status === "Completed")).toBe(true);
    // Each planned branch was requested by its own hashed id.
    expect(h.calls.filter((stepId) => stepId !== "step")).toHaveLength(4);
  });

  it("retries one failing branch alone and still runs the others once", async () => {
    const bodies: Record<string, number> = {};
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        { id: "fan-retry", triggers: [{ event: "app/fan-retry" }] },
        async ({ step }) => {
          const results = await Promise.all(
            ["ok", "flaky"].map((id) =>
              step.run(id, () => {
                bodies[id] = (bodies[id] ?? 0) + 1;
                if (id === "flaky" && (bodies[id] ?? 0) < 2) throw new Error("flaky once");
                return id;
              }),
            ),
          );
          return results;
        },
      ),
    ]);

    const runId = await trigger(h, "app/fan-retry");
    await h.engine.drain();

    const run = h.engine.getRun(runId);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual(["ok", "flaky"]);
    expect(bodies).toEqual({ ok: 1, flaky: 2 });
    expect(run?.steps.find((s) => s.name === "flaky")?.attempts).toBe(2);
  });

  it("continues as soon as a race-mode branch wins (group.parallel), running each branch once", async () => {
    const bodies: Record<string, number> = {};
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "race", triggers: [{ event: "app/race" }] }, async ({ step, group }) => {
        const winner = await group.parallel({ mode: "race" }, () =>
          Promise.race([
            step.run("fast", () => {
              bodies.fast = (bodies.fast ?? 0) + 1;
              return "fast";
            }),
            step.sleep("slow", "1h").then(() => "slow"),
          ]),
        );
        const after = await step.run("after", () => {
          bodies.after = (bodies.after ?? 0) + 1;
          return `${winner} won`;
        });
        return after;
      }),
    ]);

    const runId = await trigger(h, "app/race");
    await h.engine.settle();
    // The race resolved and the function moved on without waiting an hour.
    expect(bodies).toEqual({ fast: 1, after: 1 });
    expect(h.engine.getRun(runId)?.steps.find((s) => s.name === "after")?.status).toBe("Completed");

    await h.engine.drain();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: "fast won" });
    expect(bodies).toEqual({ fast: 1, after: 1 });
  });

  it("lets a wide race-mode fan-out finish: discoveries while branches are still running are not idle", async () => {
    const bodies: Record<string, number> = {};
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "wide", triggers: [{ event: "app/wide" }] }, async ({ step, group }) => {
        const ids = Array.from({ length: 20 }, (_, i) => `b${i}`);
        const all = await group.parallel({ mode: "race" }, () =>
          Promise.all(
            ids.map((id, i) =>
              step.run(id, () => {
                bodies[id] = (bodies[id] ?? 0) + 1;
                return i;
              }),
            ),
          ),
        );
        return all.reduce((sum: number, n: number) => sum + n, 0);
      }),
    ]);

    const runId = await trigger(h, "app/wide");
    await h.engine.settle();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 190 });
    expect(Object.values(bodies)).toEqual(Array.from({ length: 20 }, () => 1));
  });
});
