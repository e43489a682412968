import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalEngine } from "../../inngest/local";
import { type DurableHarness, startDurable, tempDataDir, triggerRun } from "./durable-harness";
import { MODES } from "./harness";

const HOUR = 3_600_000;

/** Step-body executions per step id, to prove memoized steps never run again. */
function counter() {
  const counts: Record<string, number> = {};
  return {
    counts,
    hit(id: string) {
      counts[id] = (counts[id] ?? 0) + 1;
    },
  };
}

describe.each(MODES)("restart on the same data dir (%s mode)", (mode) => {
  let h: DurableHarness;
  afterEach(() => h.close());

  it("wakes a sleeping run at its stored time and never reruns completed steps", async () => {
    const c = counter();
    h = await startDurable(mode, (inngest) => [
      inngest.createFunction({ id: "sleeper", triggers: [{ event: "app/sleep" }] }, async ({ step }) => {
        const a = await step.run("a", () => {
          c.hit("a");
          return 1;
        });
        await step.sleep("nap", "1h");
        return step.run("b", () => {
          c.hit("b");
          return a + 1;
        });
      }),
    ]);
    const runId = await triggerRun(h, "app/sleep");
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.steps.map((s) => s.status)).toEqual(["Completed", "Sleeping"]);

    await h.restart({ downForMs: 60_000 });
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Running" });
    await h.engine.clock.advance(HOUR - 60_000 - 1);
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    await h.engine.clock.advance(1);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 2 });
    expect(c.counts).toEqual({ a: 1, b: 1 });
  });

  it("keeps a waitForEvent waiting: a later event resumes it, and its timeout still applies", async () => {
    h = await startDurable(mode, (inngest) => [
      inngest.createFunction({ id: "approval", triggers: [{ event: "app/request" }] }, async ({ step }) => {
        const ok = await step.waitForEvent("approve", {
          event: "app/approved",
          match: "data.id",
          timeout: "1d",
        });
        return ok ? `by ${ok.data.by}` : "timed out";
      }),
    ]);
    const approved = await triggerRun(h, "app/request", { id: "r1" });
    const forgotten = await triggerRun(h, "app/request", { id: "r2" });
    await h.engine.settle();

    await h.restart();
    await h.inngest.send({ name: "app/approved", data: { id: "r1", by: "alice" } });
    await h.engine.settle();
    expect(h.engine.getRun(approved)).toMatchObject({ status: "Completed", output: "by alice" });
    expect(h.engine.getRun(forgotten)?.status).toBe("Running");

    await h.restart();
    await h.engine.clock.advance(24 * HOUR);
    expect(h.engine.getRun(forgotten)).toMatchObject({ status: "Completed", output: "timed out" });
  });

  it("resumes the parent of an invoked child that finished while the engine was down", async () => {
    const c = counter();
    h = await startDurable(mode, (inngest) => {
      const child = inngest.createFunction({ id: "child", triggers: [] }, async ({ step }) => {
        await step.sleep("wait", "1h");
        return step.run("work", () => {
          c.hit("child-work");
          return 21;
        });
      });
      const parent = inngest.createFunction(
        { id: "parent", triggers: [{ event: "app/parent" }] },
        async ({ step }) => {
          await step.run("before", () => c.hit("before"));
          const got = await step.invoke("call", { function: child, data: {}, timeout: "1d" });
          return got * 2;
        },
      );
      return [child, parent];
    });
    const runId = await triggerRun(h, "app/parent");
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.steps.at(-1)).toMatchObject({ op: "InvokeFunction", status: "Invoking" });

    // Two hours pass while the engine is down: the child's sleep is past due
    // and fires on the manual clock's next move (a real clock fires it at once).
    await h.restart({ downForMs: 2 * HOUR });
    expect(h.engine.clock.nextAt()).toBeLessThan(h.engine.clock.now());
    await h.engine.clock.advance(0);
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 42 });
    expect(c.counts).toEqual({ before: 1, "child-work": 1 });
  });

  it("finishes a parallel group and its pending retry across a restart", async () => {
    const c = counter();
    h = await startDurable(mode, (inngest) => [
      inngest.createFunction({ id: "fan", triggers: [{ event: "app/fan" }] }, async ({ step }) => {
        const [x, y] = await Promise.all([
          step.run("x", () => {
            c.hit("x");
            return 1;
          }),
          step.run("y", () => {
            c.hit("y");
            if ((c.counts.y ?? 0) === 1) throw new Error("first try fails");
            return 2;
          }),
        ]);
        return step.run("sum", () => {
          c.hit("sum");
          return x + y;
        });
      }),
    ]);
    const runId = await triggerRun(h, "app/fan");
    await h.engine.settle();
    // x is memoized; y's retry waits for its backoff.
    expect(h.engine.getRun(runId)?.status).toBe("Running");
    expect(c.counts).toEqual({ x: 1, y: 1 });

    await h.restart();
    await h.engine.drain();
    expect(h.engine.getRun(runId)).toMatchObject({ status: "Completed", output: 3 });
    expect(c.counts).toEqual({ x: 1, y: 2, sum: 1 });
    expect(h.engine.getRun(runId)?.steps.find((s) => s.name === "y")).toMatchObject({ attempts: 2 });
  });
});

describe("durable event intake and bounds", () => {
  let h: DurableHarness;
  afterEach(() => h.close());

  it("keeps the event id dedup and idempotency keys across a restart", async () => {
    let started = 0;
    h = await startDurable("checkpoint", (inngest) => [
      inngest.createFunction({ id: "once", triggers: [{ event: "app/once" }] }, async () => ++started),
      inngest.createFunction(
        { id: "per-user", idempotency: "event.data.user", triggers: [{ event: "app/signup" }] },
        async () => ++started,
      ),
    ]);
    const first = await h.inngest.send({ name: "app/once", id: "order-1", data: {} });
    await h.inngest.send({ name: "app/signup", data: { user: "u1" } });
    await h.engine.settle();
    expect(started).toBe(2);

    await h.restart();
    const again = await h.inngest.send({ name: "app/once", id: "order-1", data: {} });
    await h.inngest.send({ name: "app/signup", data: { user: "u1" } });
    await h.engine.settle();
    expect(started).toBe(2);
    expect(again.ids[0]).not.toBe(first.ids[0]);
    expect(h.engine.listRuns({ eventId: first.ids[0] })).toHaveLength(1);
  });

  it("prunes finished runs and old events from memory and the store", async () => {
    const dataDir = tempDataDir();
    h = await startDurable(
      "checkpoint",
      (inngest) => [
        inngest.createFunction({ id: "tiny", triggers: [{ event: "app/tiny" }] }, async ({ step }) =>
          step.run("only", () => "ok"),
        ),
      ],
      { dataDir, maxRuns: 5, maxEvents: 8 },
    );
    for (let i = 0; i < 30; i++) await h.inngest.send({ name: "app/tiny", data: { i } });
    await h.engine.settle();
    expect(h.engine.listRuns()).toHaveLength(5);
    expect(h.engine.listEvents()).toHaveLength(8);

    await h.restart();
    expect(h.engine.listRuns()).toHaveLength(5);
    await h.engine.close();
    const db = new Database(path.join(dataDir, "engine.sqlite"), { readonly: true });
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    try {
      expect(count("runs")).toBe(5);
      expect(count("steps")).toBe(5);
      expect(count("events")).toBe(8);
      expect(count("calls") + count("ops")).toBe(0);
    } finally {
      db.close();
    }
    // Reopen so afterEach's close() has an engine to stop.
    await h.restart();
  });

  it("refuses a second engine on a locked dir and takes over a dead owner's lock", async () => {
    const dataDir = tempDataDir();
    h = await startDurable("checkpoint", () => [], { dataDir });
    await expect(createLocalEngine({ port: 0, logger: false, dataDir })).rejects.toThrow(
      new RegExp(
        `${dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another engine \\(PID ${process.pid}\\)`,
      ),
    );

    await h.engine.close();
    expect(existsSync(path.join(dataDir, "engine.lock"))).toBe(false);
    // A lock left by a process that no longer exists (kill -9) is stale.
    writeFileSync(path.join(dataDir, "engine.lock"), "2147483646\n");
    await h.restart();
    expect(h.engine.dataDir).toBe(dataDir);
  });
});
