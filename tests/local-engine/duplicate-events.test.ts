import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness, trigger } from "./harness";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Duplicate event ids as Inngest handles them: the duplicate is stored, still
 * reaches waits and cancellations, and starts no second run of a function that
 * already ran for that id (per function, 24 h).
 */
describe.each(MODES)("duplicate event ids (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("a re-sent decision wakes a wait that started after the first one", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "approval", triggers: [{ event: "app/request" }] }, async ({ step }) => {
        const decision = await step.waitForEvent("decision", {
          event: "app/decided",
          match: "data.requestId",
          timeout: "1d",
        });
        return decision ? { by: decision.data.by, id: decision.id } : "timed out";
      }),
    ]);
    // The decision is sent before anything waits for it (it reaches no one)…
    const first = await h.inngest.send({ name: "app/decided", id: "decision-r1", data: { requestId: "r1" } });
    const runId = await trigger(h, "app/request", { requestId: "r1" });
    await h.engine.settle();
    expect(h.engine.getRun(runId)?.status).toBe("Running");

    // …and sent again with the same id: stored as a deduplicated event, and it wakes the wait.
    const again = await h.inngest.send({
      name: "app/decided",
      id: "decision-r1",
      data: { requestId: "r1", by: "alice" },
    });
    await h.engine.settle();
    expect(again.ids[0]).not.toBe(first.ids[0]);
    expect(h.engine.getRun(runId)).toMatchObject({
      status: "Completed",
      output: { by: "alice", id: "decision-r1" },
    });
    const stored = h.engine.listEvents().filter((e) => e.payload.id === "decision-r1");
    expect(stored.map((e) => e.deduplicated)).toEqual([false, true]);
  });

  it("a duplicate still cancels, and starts no second run of a function that ran for its id", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        {
          id: "sleeper",
          triggers: [{ event: "app/nap" }],
          cancelOn: [{ event: "app/stop", match: "data.k" }],
        },
        async ({ step }) => {
          await step.sleep("nap", "1h");
          return "woke";
        },
      ),
      inngest.createFunction({ id: "on-stop", triggers: [{ event: "app/stop" }] }, async () => "stop seen"),
    ]);
    // app/stop with id "stop-1" starts on-stop once; the sleeper does not exist yet.
    await h.inngest.send({ name: "app/stop", id: "stop-1", data: { k: "a" } });
    await h.engine.settle();
    const sleeper = await trigger(h, "app/nap", { k: "a" });
    await h.engine.settle();

    await h.inngest.send({ name: "app/stop", id: "stop-1", data: { k: "a" } });
    await h.engine.settle();
    expect(h.engine.getRun(sleeper)?.status).toBe("Cancelled");
    expect(h.engine.listRuns({ functionId: "conformance-on-stop" })).toHaveLength(1);

    // After 24 hours the id is new again for on-stop.
    await h.engine.clock.advance(DAY);
    await h.inngest.send({ name: "app/stop", id: "stop-1", data: { k: "a" } });
    await h.engine.settle();
    expect(h.engine.listRuns({ functionId: "conformance-on-stop" })).toHaveLength(2);
  });

  it("deduplicates run creation per function: a function the first event did not start, starts", async () => {
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction({ id: "created", triggers: [{ event: "app/user.created" }] }, async () => "c"),
      inngest.createFunction({ id: "updated", triggers: [{ event: "app/user.updated" }] }, async () => "u"),
    ]);
    const first = await h.inngest.send({ name: "app/user.created", id: "user-1", data: {} });
    const second = await h.inngest.send({ name: "app/user.updated", id: "user-1", data: {} });
    const third = await h.inngest.send({ name: "app/user.created", id: "user-1", data: {} });
    await h.engine.settle();
    expect(h.engine.listRuns({ eventId: first.ids[0] }).map((r) => r.functionId)).toEqual([
      "conformance-created",
    ]);
    expect(h.engine.listRuns({ eventId: second.ids[0] }).map((r) => r.functionId)).toEqual([
      "conformance-updated",
    ]);
    expect(h.engine.listRuns({ eventId: third.ids[0] })).toEqual([]);
  });
});
