import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MODES, startHarness } from "./harness";

/** Resolve-later promise the test controls. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function until(check: () => boolean) {
  for (let i = 0; !check(); i++) {
    if (i > 2_000) throw new Error("condition never met");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(MODES)("concurrency (%s mode)", (mode) => {
  let h: Harness;
  afterEach(() => h.close());

  it("runs at most `limit` steps at once per key; other keys proceed", async () => {
    const log: string[] = [];
    const hold = gate();
    h = await startHarness(mode, (inngest) => [
      inngest.createFunction(
        {
          id: "per-tenant",
          concurrency: { limit: 1, key: "event.data.tenant" },
          triggers: [{ event: "app/work" }],
        },
        async ({ event, step }) => {
          await step.run("work", async () => {
            const who = `${event.data.tenant}${event.data.n}`;
            log.push(`enter ${who}`);
            await hold.opened;
            log.push(`exit ${who}`);
          });
        },
      ),
    ]);

    await h.inngest.send([
      { name: "app/work", data: { tenant: "a", n: 1 } },
      { name: "app/work", data: { tenant: "a", n: 2 } },
      { name: "app/work", data: { tenant: "b", n: 1 } },
    ]);
    await until(() => log.length === 2);
    expect(log.sort()).toEqual(["enter a1", "enter b1"]);

    hold.open();
    await h.engine.settle();
    expect(log.indexOf("enter a2")).toBeGreaterThan(log.indexOf("exit a1"));
    expect(h.engine.listRuns().map((r) => r.status)).toEqual(["Completed", "Completed", "Completed"]);
  });
});
