import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { ARTIFACTS_DIR, CHROMIUM } from "../helpers/browser";
import { useBrowserApp } from "../helpers/browser-app";
import { createClerkTestKeys } from "../helpers/clerk-tokens";
import { AUTHORIZED_PARTIES } from "../helpers/next-app";

/**
 * The web app with sign-in on, in a real browser: Clerk's real middleware reads the session cookie
 * (minted offline), every decision is made on the server, and no page needs Clerk's script — so the
 * browser loads nothing from anywhere but the app and the engine.
 */
const clerk = await createClerkTestKeys();
const AZP = AUTHORIZED_PARTIES[0];

describe.skipIf(!CHROMIUM)("the web app with sign-in, in a browser", () => {
  const { app, browser } = useBrowserApp({ clerk });

  /** A browser signed in as a member of `orgId`, the way Clerk's cookies carry a session. */
  async function signedIn(
    userId: string,
    orgId: string,
  ): Promise<{ context: BrowserContext; token: string }> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await clerk.mintSessionToken({
      userId,
      azp: AZP,
      orgId,
      orgRole: "admin",
      issuedAt,
      expiresInSec: 3600,
    });
    const context = await browser().newContext();
    await context.addCookies([
      { name: "__session", value: token, url: app().url },
      { name: "__client_uat", value: String(issuedAt), url: app().url },
    ]);
    return { context, token };
  }

  async function createWorkflow(bearer: string, name: string): Promise<string> {
    const graph = { nodes: [node("hello", "text", { template: "Hi {{ input.name }}" })], edges: [] };
    const inputSchema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
    const created = await app().call<{ id: string }>("POST", "/api/workflows", {
      bearer,
      body: { name, graph, inputSchema },
    });
    expect(created.status, created.text).toBe(201);
    return created.body.id;
  }

  it("serves every page to a signed-in member, runs a workflow live, and calls out to nothing", async () => {
    const { context, token } = await signedIn("user_browser_ada", "org_browser_a");
    const other = await signedIn("user_browser_bob", "org_browser_b");
    const ours = await createWorkflow(token, "Ada's greeter");
    const theirs = await createWorkflow(other.token, "Bob's secret workflow");
    await other.context.close();

    const page = await context.newPage();
    const origins = new Set<string>();
    page.on("request", (request) => origins.add(new URL(request.url()).origin));
    try {
      await page.goto(`${app().url}/`);
      expect(await page.getByRole("link", { name: "Ada's greeter" }).count()).toBe(1);
      expect(await page.content()).not.toContain("Bob's secret workflow");
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "clerk-home.png"), fullPage: true });

      for (const pathname of ["/runs", "/settings", `/workflows/${ours}`, `/workflows/${ours}/edit`]) {
        const response = await page.goto(`${app().url}${pathname}`);
        expect(response?.status(), pathname).toBe(200);
      }

      // Another organisation's workflow is not found, exactly like one that does not exist.
      const foreign = await page.goto(`${app().url}/workflows/${theirs}`);
      expect(foreign?.status()).toBe(404);
      expect(await page.content()).not.toContain("Bob's secret workflow");

      // Run it from its page: the run view follows it live with the session's realtime token.
      await page.goto(`${app().url}/workflows/${ours}`);
      await page.locator("#field-name").fill("Ada");
      await page.getByRole("button", { name: "Start run" }).click();
      await page.waitForURL(/\/runs\/run_/);
      await app().engine.settle();
      await expect
        .poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 })
        .toBe("succeeded");
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "clerk-run.png"), fullPage: true });

      const engineOrigin = new URL(app().engine.url).origin;
      const elsewhere = [...origins].filter(
        (origin) => origin !== new URL(app().url).origin && origin !== engineOrigin,
      );
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("sends a browser without a session to sign in, and shows it nothing", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const answers: { url: string; status: number; location: string | null; body: Promise<string> }[] = [];
    page.on("response", (response) => {
      if (!response.url().startsWith(app().url)) return;
      const headers = response.headers();
      answers.push({
        url: response.url(),
        status: response.status(),
        location: headers.location ?? null,
        body: response.text().catch(() => ""),
      });
    });
    try {
      // The sign-in page lives on Clerk's domain, unreachable here: the redirect itself is what we check.
      await page.goto(`${app().url}/settings`).catch(() => undefined);
      const [first] = answers;
      expect(first?.url).toBe(`${app().url}/settings`);
      expect(first?.status).toBeGreaterThanOrEqual(300);
      expect(first?.status).toBeLessThan(400);
      expect(first?.location).toMatch(/sign-in/);
      expect(await first?.body).not.toContain("API keys");
    } finally {
      await context.close();
    }
  });
});
