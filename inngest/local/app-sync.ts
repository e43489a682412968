import { z } from "zod";
import { parseJsonLoose } from "./http-util";
import { FunctionConfigListSchema, type FunctionRegistry, type RegisteredApp } from "./registry";
import { signRequest } from "./signing";
import type { EngineLogger } from "./types";

/**
 * Syncing = asking the app which functions it serves. The engine asks in band
 * (`PUT <serveUrl>` with `x-inngest-sync-kind: in_band`, answered with the
 * function list). An SDK that refuses in-band sync (INNGEST_ALLOW_IN_BAND_SYNC=0)
 * instead POSTs the list to `{api}/fn/register`, which the engine also serves.
 */

const InBandResponseSchema = z.looseObject({
  app_id: z.string(),
  url: z.string(),
  functions: FunctionConfigListSchema,
});

export type SyncResult = { appId: string; url: string; functions: string[]; kind: "in_band" | "out_of_band" };

type SyncDeps = { registry: FunctionRegistry; now: () => number; signingKey?: string };

export async function syncApp(serveUrl: string, deps: SyncDeps): Promise<SyncResult> {
  const body = { url: serveUrl };
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-sync-kind": "in_band",
    "x-inngest-server-kind": "dev",
  };
  if (deps.signingKey) headers["x-inngest-signature"] = signRequest(body, deps.signingKey);

  const res = await fetch(serveUrl, { method: "PUT", headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`Sync of ${serveUrl} failed: HTTP ${res.status} ${text.slice(0, 300)}`);

  if (res.headers.get("x-inngest-sync-kind") === "in_band") {
    const parsed = InBandResponseSchema.safeParse(parseJsonLoose(text));
    if (!parsed.success) throw new Error(`Sync of ${serveUrl}: unexpected answer: ${parsed.error.message}`);
    const app = deps.registry.register(parsed.data.app_id, serveUrl, parsed.data.functions, deps.now());
    return { ...summary(app), kind: "in_band" };
  }

  // Out of band: the SDK has already posted its functions to /fn/register.
  const app = deps.registry.apps().find((candidate) => sameEndpoint(candidate.url, serveUrl));
  if (!app) {
    throw new Error(
      `Sync of ${serveUrl}: the app answered out of band but never registered; is its INNGEST_BASE_URL this engine?`,
    );
  }
  return { ...summary(app), kind: "out_of_band" };
}

function summary(app: RegisteredApp) {
  return { appId: app.appId, url: app.url, functions: [...app.functionIds] };
}

function sameEndpoint(a: string, b: string): boolean {
  const strip = (url: string) => {
    const parsed = new URL(url);
    parsed.search = "";
    return parsed.href.replace(/\/$/, "");
  };
  return strip(a) === strip(b);
}

/**
 * Keep an app synced for `npm run dev`: retry (every second by default) until the app
 * answers (Next may start after the engine), then re-sync periodically so new
 * or changed functions show up. Uses real timers: this is not run work and
 * must not show up in `drain()`.
 */
export function keepSynced(
  serveUrl: string,
  deps: SyncDeps & { logger: EngineLogger; intervalMs: number; retryMs: number },
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let synced = false;
  let warned = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };

  const tick = async () => {
    try {
      const result = await syncApp(serveUrl, deps);
      if (!synced) {
        deps.logger.info(
          `[inngest-local] synced ${result.appId} (${result.functions.length} functions) from ${serveUrl}`,
        );
      }
      synced = true;
      warned = false;
      if (deps.intervalMs > 0) schedule(deps.intervalMs);
    } catch (err) {
      if (!warned) deps.logger.warn(`[inngest-local] waiting for ${serveUrl}: ${(err as Error).message}`);
      warned = true;
      synced = false;
      schedule(deps.retryMs);
    }
  };

  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
