import path from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACTS_DIR, CHROMIUM } from "../helpers/browser";
import { useBrowserApp } from "../helpers/browser-app";

/** The settings page in a real browser: API keys and credentials without curl. */
describe.skipIf(!CHROMIUM)("the settings page in a browser", () => {
  const { app, browser } = useBrowserApp({});

  it("creates an API key shown once that works, revokes it, and stores a credential whose secret never comes back", async () => {
    const page = await browser().newPage();
    try {
      await page.goto(`${app().url}/`);
      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(/\/settings$/);

      await page.getByLabel("Name").first().fill("ci robot");
      await page.getByLabel("runs:write").check();
      await page.getByRole("button", { name: "Create key" }).click();
      const secret = (await page.getByTestId("new-api-key").textContent()) ?? "";
      expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
      const used = await app().call("GET", "/api/v1/workflows", { bearer: secret });
      expect(used.status).toBe(200);
      await expect.poll(() => page.getByRole("row", { name: /ci robot/ }).textContent()).toContain("active");

      page.once("dialog", (dialog) => void dialog.accept());
      await page.getByRole("button", { name: "Revoke ci robot" }).click();
      await expect.poll(() => page.getByRole("row", { name: /ci robot/ }).textContent()).toContain("revoked");
      expect((await app().call("GET", "/api/v1/workflows", { bearer: secret })).status).toBe(401);
      expect(await page.getByTestId("new-api-key").count()).toBe(0);

      const credentials = page.getByRole("region", { name: "Credentials" });
      await credentials.getByLabel("Name").fill("groq");
      await credentials.getByLabel("Kind").selectOption("openai");
      await credentials.getByLabel("Secret").fill("gsk-very-secret-value");
      await credentials.getByLabel("Base URL (optional)").fill("https://api.groq.com/openai/v1");
      await credentials.getByRole("button", { name: "Store credential" }).click();
      await expect
        .poll(() => credentials.getByRole("row", { name: /groq/ }).textContent())
        .toContain("baseUrl");
      expect(await credentials.getByLabel("Secret").inputValue()).toBe("");
      await page.reload();
      expect(await page.content()).not.toContain("gsk-very-secret-value");
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "settings.png"), fullPage: true });

      // Rotate: a new secret replaces the old one; neither is ever shown.
      type Listed = { data: { name: string; updatedAt: string }[] };
      const before = await app().call<Listed>("GET", "/api/credentials");
      const updatedBefore = before.body.data.find((row) => row.name === "groq")?.updatedAt;
      await credentials.getByRole("button", { name: "Rotate groq" }).click();
      await credentials.getByLabel("New secret for groq").fill("gsk-rotated-secret-value");
      await credentials.getByRole("button", { name: "Save new secret" }).click();
      await credentials.getByRole("button", { name: "Rotate groq" }).waitFor();
      const after = await app().call<Listed>("GET", "/api/credentials");
      expect(after.body.data.find((row) => row.name === "groq")?.updatedAt).not.toBe(updatedBefore);
      expect(after.text).not.toContain("gsk-rotated-secret-value");
      await page.reload();
      expect(await page.content()).not.toContain("gsk-rotated-secret-value");

      // Delete asks first.
      page.once("dialog", (dialog) => void dialog.accept());
      await credentials.getByRole("button", { name: "Delete groq" }).click();
      await expect.poll(() => credentials.getByRole("row", { name: /groq/ }).count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
