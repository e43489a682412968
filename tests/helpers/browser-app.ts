import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { type NextAppOptions, useNextApp } from "./next-app";

/**
 * What every browser test starts from: the app under `next start` (see useNextApp), its engine told
 * about the app's functions (it learns them only when asked), and one Chromium for the file.
 */
export function useBrowserApp(options: NextAppOptions = {}) {
  const app = useNextApp(options);
  let launched: Browser | undefined;

  beforeAll(async () => {
    await app().engine.syncApp(`${app().url}/api/inngest`);
    launched = await launchBrowser();
  });
  afterAll(async () => {
    await launched?.close();
  });

  const browser = (): Browser => {
    if (!launched) throw new Error("Chromium did not start; see the beforeAll error");
    return launched;
  };
  return { app, browser };
}
