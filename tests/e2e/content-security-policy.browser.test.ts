import { describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/browser";
import { useBrowserApp } from "../helpers/browser-app";

/**
 * Every page of the web app in a real browser with its Content-Security-Policy
 * enforced: no violation reported, no console error, and the run page's live
 * updates still connect (the realtime websocket is an allowed source).
 */

type Violation = { directive: string; blocked: string; source: string };

describe.skipIf(!CHROMIUM)("the web app under its Content-Security-Policy", () => {
  const { app, browser } = useBrowserApp({});

  it("loads every page with no violation and no console error", { timeout: 120_000 }, async () => {
    const started = await app().call<{ runId: string }>("POST", "/api/workflows/wf_example/runs", {
      body: { input: { name: "Ada", appUrl: app().url } },
    });
    expect(started.status, started.text).toBe(202);
    await app().engine.drain();
    const run = await app().call<{ status: string }>("GET", `/api/runs/${started.body.runId}`);
    expect(run.body.status).toBe("succeeded");

    const context = await browser().newContext();
    // Recorded in the page itself from the first script on, before any of the app's.
    await context.addInitScript(() => {
      const seen: Violation[] = [];
      (window as unknown as { __violations: Violation[] }).__violations = seen;
      document.addEventListener("securitypolicyviolation", (event) => {
        seen.push({
          directive: event.effectiveDirective,
          blocked: event.blockedURI,
          source: `${event.sourceFile}:${event.lineNumber}`,
        });
      });
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));

    try {
      const violations: Record<string, Violation[]> = {};
      for (const path of [
        "/",
        "/runs",
        `/runs/${started.body.runId}`,
        "/workflows/wf_example",
        "/workflows/wf_example/edit",
        "/settings",
      ]) {
        const response = await page.goto(`${app().url}${path}`);
        expect(response?.headers()["content-security-policy"], path).toContain("'strict-dynamic'");
        await page.waitForLoadState("networkidle");
        if (path.startsWith("/runs/")) {
          await expect
            .poll(() => page.getByTestId("live-status").textContent(), { timeout: 15_000 })
            .toContain("live: open");
        }
        // Hydrated: React attached its handlers (a page whose scripts were blocked never does).
        await expect
          .poll(
            () => page.evaluate(() => Object.keys(document.body).filter((key) => key.startsWith("__react"))),
            {
              message: `${path} hydrates`,
            },
          )
          .not.toEqual([]);
        violations[path] = await page.evaluate(
          () => (window as unknown as { __violations: Violation[] }).__violations,
        );
      }
      expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((path) => [path, []])));
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("blocks a script injected into a page's HTML without the nonce, and reports it", async () => {
    const context = await browser().newContext();
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener("securitypolicyviolation", (event) => seen.push(event.effectiveDirective));
    });
    const page = await context.newPage();
    try {
      // What a stored XSS would look like: markup the app did not write, inside its own page.
      await page.route(`${app().url}/`, async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace(
          "</body>",
          "<script>window.__injected = true</script></body>",
        );
        await route.fulfill({ response, body: html });
      });
      await page.goto(`${app().url}/`);
      await page.waitForLoadState("networkidle");
      const outcome = await page.evaluate(() => {
        const state = window as unknown as { __violations: string[]; __injected?: boolean };
        return { violations: state.__violations, injected: state.__injected ?? false };
      });
      expect(outcome).toEqual({ violations: ["script-src-elem"], injected: false });
    } finally {
      await context.close();
    }
  });
});
