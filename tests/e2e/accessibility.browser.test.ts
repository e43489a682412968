import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACTS_DIR, CHROMIUM, seriousA11yViolations } from "../helpers/browser";
import { useBrowserApp } from "../helpers/browser-app";

/** Every page of the web app passes axe-core with no serious or critical violation. */
describe.skipIf(!CHROMIUM)("accessibility of the web app", () => {
  const { app, browser } = useBrowserApp({});

  // Seven pages, each loaded, checked by axe and photographed: more than the default 30 s on a busy machine.
  it("has no serious or critical axe violation on any page", { timeout: 120_000 }, async () => {
    const started = await app().call<{ runId: string }>("POST", "/api/workflows/wf_example/runs", {
      body: { input: { name: "Ada", appUrl: app().url } },
    });
    expect(started.status, started.text).toBe(202);
    await app().engine.drain();

    const page = await browser().newPage();
    try {
      const found: Record<string, string[]> = {};
      for (const path of [
        "/",
        "/runs",
        `/runs/${started.body.runId}`,
        "/workflows/wf_example",
        "/workflows/wf_example/edit",
        "/settings",
      ]) {
        await page.goto(`${app().url}${path}`);
        await page.waitForLoadState("networkidle");
        found[path] = await seriousA11yViolations(page);
        // One screenshot of every page, kept as an artifact.
        const name =
          path === "/"
            ? "home"
            : path
                .slice(1)
                .replace(/run_\w+/, "run")
                .replaceAll("/", "-");
        await page.screenshot({ path: join(ARTIFACTS_DIR, `page-${name}.png`), fullPage: true });
      }
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((path) => [path, []])));
    } finally {
      await page.close();
    }
  });
});
