import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core (Playwright cannot download its
 * own browsers here). `.ci/run` installs the package; elsewhere the browser
 * tests are skipped with a message when it is missing, and fail on CI.
 */

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export const CHROMIUM = CANDIDATES.find((candidate) => existsSync(candidate));

if (!CHROMIUM) {
  const reason = "no Chromium at /usr/bin/chromium (apt-get install chromium)";
  if (process.env.CI) throw new Error(`CI runs the browser tests: ${reason}`);
  console.warn(`[tests] skipping browser tests: ${reason}`);
}

/** Where screenshots go: kept after the run as artifacts (ignored by git). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "../../.test-artifacts");

export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error("Chromium is not installed");
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // Playwright gives every launch a fresh profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    // Headless on a machine with no network but the loopback: nothing may call out.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> };

/**
 * axe-core's checks on the page as it is now; returns the serious and critical
 * violations (rule, help and where), which tests expect to be none.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, which the page's Content-Security-Policy does not
  // govern: a <script> tag without the page's nonce would be blocked (and reported as a violation).
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
}
