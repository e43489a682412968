import { clerkMiddleware } from "@clerk/nextjs/server";
import { type NextFetchEvent, type NextRequest, NextResponse } from "next/server";
import { getEnv, identityMode } from "@/lib/env";
import type { ErrorCode } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { ErrorBody } from "@/server/http/error-response";
import { newNonce, pageContentSecurityPolicy } from "@/server/http/security-headers";
import { undecodablePathResponse } from "@/server/http/undecodable-path";

const env = getEnv();

/**
 * The edge of every page and API request but the few the matcher skips (their
 * headers come from next.config.mjs alone):
 *
 * - pages get a Content-Security-Policy with a fresh script nonce, set on the
 *   request too because Next reads the nonce from there to mark its scripts;
 * - `/api/v1` never comes here (API keys, and its routes answer CORS themselves:
 *   public-api-cors.ts), but for a raw path holding a `%`;
 * - session API routes never answer a redirect: when Clerk wants one (its
 *   handshake, for a stale session cookie on a request that looks like a page
 *   load) the answer is 401 JSON instead.
 *
 * Clerk verifies the session on every page and session API request, offline:
 * the JWT key is passed explicitly (Clerk does not read CLERK_JWT_KEY by
 * itself) and only the listed origins' tokens are accepted. Nothing is
 * protected here: pages and handlers decide with `auth()`, so APIs can answer
 * 401 JSON instead of a redirect. Without Clerk keys (local mode, never in
 * production) requests pass straight through.
 *
 * The secret key is deliberately not passed: Clerk forwards every option given
 * here to `auth()` in encrypted request headers and refuses (500 on every
 * request) to forward a `secretKey` without CLERK_ENCRYPTION_KEY. It reads
 * CLERK_SECRET_KEY from the environment itself, the variable env.ts validates.
 */
const clerk =
  identityMode(env) === "clerk"
    ? clerkMiddleware((_auth, request) => (isApi(request) ? undefined : withPagePolicy(request)), {
        publishableKey: env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
        jwtKey: env.CLERK_JWT_KEY,
        authorizedParties: env.CLERK_AUTHORIZED_PARTIES,
      })
    : undefined;

/** Signed, open or API-key routes that skip the proxy, unless their raw path holds a `%` (see `config`). */
const PROXY_FREE = /^\/api\/(inngest|approvals|webhooks|health|v1)(\/|$)/;

export default async function proxy(request: NextRequest, event: NextFetchEvent) {
  const { pathname } = request.nextUrl;
  // An undecodable path would make Next answer a plain-text 500: answer 400 in our shape first.
  const undecodable = undecodablePathResponse(pathname);
  if (undecodable) return undecodable;
  if (PROXY_FREE.test(pathname)) return NextResponse.next();
  if (isApi(request)) {
    const response = clerk ? await clerk(request, event) : NextResponse.next();
    return response && isRedirect(response) ? unauthorized(request) : response;
  }
  const response = clerk ? await clerk(request, event) : withPagePolicy(request);
  // A redirect Clerk answers itself (its handshake) carries no page, but still a policy.
  if (response && !response.headers.has("content-security-policy")) {
    response.headers.set("content-security-policy", pageContentSecurityPolicy(env, newNonce()));
  }
  return response;
}

function isApi(request: NextRequest): boolean {
  const { pathname } = request.nextUrl;
  return pathname === "/api" || pathname.startsWith("/api/");
}

function isRedirect(response: Response): boolean {
  return (response.status >= 300 && response.status < 400) || response.headers.has("location");
}

/** Lets a page render with this request's policy on both the request (for Next) and the answer. */
function withPagePolicy(request: NextRequest): NextResponse {
  const policy = pageContentSecurityPolicy(env, newNonce());
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

function unauthorized(request: NextRequest): Response {
  return errorAnswer(request, 401, "unauthorized", "Sign in again: the session has expired");
}

/** The shared error shape (see error-response.ts, which the proxy cannot import: it brings the logger). */
function errorAnswer(request: NextRequest, status: number, code: ErrorCode, message: string): Response {
  const given = request.headers.get("x-request-id");
  const requestId = given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : newId("request");
  const body: ErrorBody = { error: { code, message, requestId } };
  return Response.json(body, {
    status,
    headers: { "x-request-id": requestId, "cache-control": "no-store", vary: "Origin" },
  });
}

export const config = {
  // /api/inngest authenticates with Inngest's signature, /api/approvals (signed links) and
  // /api/webhooks (signed requests) with their own signatures, /api/health with nothing: they skip
  // the proxy entirely.
  // /api/v1 passes through it for CORS only; Clerk never sees (or redirects) it. An /api path
  // holding a `%` comes here too (matched on the raw path), so an undecodable one answers in our
  // error shape; PROXY_FREE keeps the skipped routes as they were.
  matcher: [
    "/((?!_next/static|_next/image|api/inngest|api/approvals|api/webhooks|api/health|api/v1).*)",
    "/api/(.*%.*)",
  ],
};
