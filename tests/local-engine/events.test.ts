import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

const DAY = 24 * 60 * 60 * 1000;

describe("event API and triggers", () => {
  let h: Harness;
  afterEach(() => h.close());

  const start = () =>
    startHarness("checkpoint", (inngest) => [
      inngest.createFunction({ id: "exact", triggers: [{ event: "app/user.created" }] }, async () => "exact"),
      inngest.createFunction({ id: "wild", triggers: [{ event: "app/*" }] }, async () => "wild"),
      inngest.createFunction(
        { id: "only-vip", triggers: [{ event: "shop/order", if: "event.data.vip == true" }] },
        async () => "vip",
      ),
      inngest.createFunction({ id: "nightly", triggers: [{ cron: "0 3 * * *" }] }, async () => "cron"),
      inngest.createFunction(
        { id: "once-per-user", idempotency: "event.data.userId", triggers: [{ event: "user/signup" }] },
        async () => "welcome",
      ),
    ]);

  it("accepts a single event or an array and answers { ids, status }", async () => {
    h = await start();
    const post = (body: unknown) =>
      fetch(`${h.engine.url}/e/any-key`, { method: "POST", body: JSON.stringify(body) }).then(
        async (res) => ({
          status: res.status,
          body: (await res.json()) as { ids: string[]; status: number },
        }),
      );

    const single = await post({ name: "app/user.created", data: { id: 1 } });
    expect(single.status).toBe(200);
    expect(single.body.status).toBe(200);
    expect(single.body.ids).toHaveLength(1);

    const many = await post([{ name: "app/a" }, { name: "app/b", data: { x: 1 }, ts: 1_700_000_000_000 }]);
    expect(many.body.ids).toHaveLength(2);
    await h.engine.settle();

    const stored = h.engine.listEvents().find((e) => e.internalId === many.body.ids[1]);
    expect(stored?.payload).toMatchObject({ name: "app/b", data: { x: 1 }, ts: 1_700_000_000_000 });

    const bad = await fetch(`${h.engine.url}/e/key`, {
      method: "POST",
      body: JSON.stringify([{ data: {} }]),
    });
    expect(bad.status).toBe(400);
  });

  it("triggers exact and wildcard functions; trigger `if` filters; cron triggers are ignored", async () => {
    h = await start();
    const { ids } = await h.inngest.send([
      { name: "app/user.created", data: {} },
      { name: "shop/order", data: { vip: false } },
      { name: "shop/order", data: { vip: true } },
    ]);
    await h.engine.settle();

    const fns = (eventId: string | undefined) =>
      h.engine
        .listRuns({ eventId })
        .map((r) => r.functionId)
        .sort();
    expect(fns(ids[0])).toEqual(["conformance-exact", "conformance-wild"]);
    expect(fns(ids[1])).toEqual([]);
    expect(fns(ids[2])).toEqual(["conformance-only-vip"]);
    expect(h.engine.listRuns().every((r) => r.status === "Completed")).toBe(true);
    expect(h.engine.listFunctions().map((f) => f.id)).toContain("conformance-nightly");
  });

  it("deduplicates events by id for 24 hours", async () => {
    h = await start();
    const first = await h.inngest.send({ name: "app/user.created", id: "user-1", data: {} });
    const again = await h.inngest.send({ name: "app/user.created", id: "user-1", data: {} });
    await h.engine.settle();
    // As Inngest: the duplicate gets a new internal id, which has no runs.
    expect(again.ids[0]).not.toBe(first.ids[0]);
    expect(h.engine.listRuns({ eventId: again.ids[0] })).toEqual([]);
    expect(h.engine.listRuns({ functionId: "conformance-exact" })).toHaveLength(1);

    await h.engine.clock.advance(DAY);
    await h.inngest.send({ name: "app/user.created", id: "user-1", data: {} });
    await h.engine.settle();
    expect(h.engine.listRuns({ functionId: "conformance-exact" })).toHaveLength(2);
  });

  it("skips repeat runs with the same idempotency key", async () => {
    h = await start();
    await h.inngest.send([
      { name: "user/signup", data: { userId: "u1" } },
      { name: "user/signup", data: { userId: "u1" } },
      { name: "user/signup", data: { userId: "u2" } },
    ]);
    await h.engine.settle();
    expect(h.engine.listRuns({ functionId: "conformance-once-per-user" })).toHaveLength(2);
  });

  it("accepts an out-of-band registration at /fn/register", async () => {
    h = await start();
    const res = await fetch(`${h.engine.url}/fn/register`, {
      method: "POST",
      body: JSON.stringify({
        url: h.appUrl,
        appName: "other-app",
        functions: [
          {
            id: "other-app-fn",
            name: "fn",
            triggers: [{ event: "x/y" }],
            steps: {
              step: { id: "step", name: "step", runtime: { type: "http", url: `${h.appUrl}?fnId=x` } },
            },
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(h.engine.listFunctions().map((f) => f.id)).toContain("other-app-fn");
  });
});
