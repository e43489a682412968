import { randomBytes } from "node:crypto";
import { type Env, inngestBaseUrl } from "@/lib/env";

/**
 * The Content-Security-Policy of the web pages, built per request by proxy.ts.
 * The headers that never change (HSTS, X-Frame-Options, nosniff, Referrer-Policy,
 * Permissions-Policy, and the strict CSP of every non-page answer) are set for
 * every path in next.config.mjs, which also reaches the paths proxy.ts skips.
 */

/** Where the run page's live updates come from when Inngest Cloud serves them. */
const INNGEST_CLOUD_REALTIME = "wss://api.inngest.com";

/** 128 random bits, base64: a script nonce no one can guess, fresh for every page. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The origins the run page's realtime subscription connects to: the Inngest API
 * the app itself uses (the local engine, an `inngest-cli dev`, or a self-hosted
 * Inngest) with its websocket scheme, else Inngest Cloud. `inngest/react` opens
 * `ws(s)://<apiBaseUrl>/v1/realtime/connect`; the http(s) form is allowed too
 * because browsers differ in whether an http source matches a websocket.
 */
export function realtimeConnectSources(env: Env): string[] {
  const base = inngestBaseUrl(env);
  if (!base) return [INNGEST_CLOUD_REALTIME];
  const url = new URL(base);
  const websocket = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [websocket, url.origin];
}

/**
 * The pages' policy. Scripts run only with this request's nonce (Next reads it
 * from the request's CSP header and puts it on its own scripts); 'strict-dynamic'
 * lets those scripts load the page's chunks. `eval` is allowed only under
 * `next dev`, whose React rebuilds server error stacks with it.
 *
 * Styles allow 'unsafe-inline': React renders `style={…}` attributes and xyflow
 * positions every node, edge and the viewport with inline styles, which a nonce
 * cannot cover (nonces apply to elements, not attributes). Injected CSS can
 * restyle a page but cannot run code; scripts stay nonce-only.
 */
export function pageContentSecurityPolicy(env: Env, nonce: string): string {
  const scripts = ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"];
  if (env.NODE_ENV === "development") scripts.push("'unsafe-eval'");
  const directives = [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${realtimeConnectSources(env).join(" ")}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}
