import { Inngest } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalEngine, type LocalEngine } from "../../inngest/local";
import { freePort, MODES, serveApp } from "./harness";

const silent = { info() {}, warn() {}, error() {}, debug() {} };
// A well-formed (fake) signing key: hex after the env prefix, as Inngest issues them.
const SIGNING_KEY = `signkey-test-${"ab12".repeat(16)}`;

describe("sync", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    delete process.env.INNGEST_ALLOW_IN_BAND_SYNC;
  });

  it("falls back to out-of-band registration when the SDK refuses in-band sync", async () => {
    const engine = await createLocalEngine({ port: 0, clock: "manual", logger: false });
    cleanups.push(() => engine.close());
    const inngest = new Inngest({ id: "oob", isDev: true, baseUrl: engine.url, logger: silent });
    const app = await serveApp(inngest, [
      inngest.createFunction({ id: "fn", triggers: [{ event: "oob/go" }] }, async () => "ok"),
    ]);
    cleanups.push(app.close);

    process.env.INNGEST_ALLOW_IN_BAND_SYNC = "false";
    const result = await engine.syncApp(app.url);
    expect(result).toMatchObject({ kind: "out_of_band", appId: "oob", functions: ["oob-fn"] });

    const { ids } = await inngest.send({ name: "oob/go", data: {} });
    await engine.settle();
    expect(engine.listRuns({ eventId: ids[0] })[0]).toMatchObject({ status: "Completed", output: "ok" });
  });

  it("keeps retrying appUrls until the app answers, then syncs it", async () => {
    const port = await freePort();
    const engine = await createLocalEngine({
      port: 0,
      clock: "manual",
      logger: false,
      appUrls: [`http://127.0.0.1:${port}/api/inngest`],
      syncRetryMs: 5,
    });
    cleanups.push(() => engine.close());
    expect(engine.listFunctions()).toEqual([]);

    // The app (think `next dev`) comes up after the engine.
    const inngest = new Inngest({ id: "late", isDev: true, baseUrl: engine.url, logger: silent });
    const app = await serveApp(
      inngest,
      [inngest.createFunction({ id: "fn", triggers: [] }, async () => null)],
      port,
    );
    cleanups.push(app.close);
    for (let i = 0; engine.listFunctions().length === 0; i++) {
      if (i > 400) throw new Error("never synced");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(engine.listFunctions().map((f) => f.id)).toEqual(["late-fn"]);
  });
});

describe.each(MODES)("cloud mode with a signing key (%s mode)", (mode) => {
  let engine: LocalEngine;
  let closeApp: () => Promise<void>;
  afterEach(async () => {
    await engine.close();
    await closeApp();
  });

  it("signs sync and calls so an app in cloud mode accepts them", async () => {
    engine = await createLocalEngine({
      port: 0,
      clock: "manual",
      mode,
      logger: false,
      signingKey: SIGNING_KEY,
    });
    const inngest = new Inngest({
      id: "cloud",
      isDev: false,
      baseUrl: engine.url,
      signingKey: SIGNING_KEY,
      eventKey: "local-event-key",
      logger: silent,
    });
    const app = await serveApp(inngest, [
      inngest.createFunction({ id: "signed", triggers: [{ event: "cloud/go" }] }, async ({ step }) => {
        const a = await step.run("a", () => 1);
        const b = await step.run("b", () => 2);
        return a + b;
      }),
    ]);
    closeApp = app.close;
    await engine.syncApp(app.url);
    const { ids } = await inngest.send({ name: "cloud/go", data: {} });
    await engine.settle();
    expect(engine.listRuns({ eventId: ids[0] })[0]).toMatchObject({ status: "Completed", output: 3 });

    // An unsigned call is refused by the SDK, proving signatures are checked.
    const unsigned = await fetch(`${app.url}?fnId=cloud-signed&stepId=step`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);
  });
});
