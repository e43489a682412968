import { clerkMiddleware } from "@clerk/nextjs/server";
import { type NextFetchEvent, type NextRequest, NextResponse } from "next/server";
import { getEnv, identityMode } from "@/lib/env";
import { undecodablePathResponse } from "@/server/http/undecodable-path";

const env = getEnv();

/**
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
    ? clerkMiddleware({
        publishableKey: env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
        jwtKey: env.CLERK_JWT_KEY,
        authorizedParties: env.CLERK_AUTHORIZED_PARTIES,
      })
    : undefined;

/** Paths Clerk must never see (or redirect); see `config.matcher`. */
const CLERK_FREE = /^\/api\/(v1|inngest|approvals|health)(\/|$)/;

export default function proxy(request: NextRequest, event: NextFetchEvent) {
  const undecodable = undecodablePathResponse(request.nextUrl.pathname);
  if (undecodable) return undecodable;
  return clerk && !CLERK_FREE.test(request.nextUrl.pathname) ? clerk(request, event) : NextResponse.next();
}

export const config = {
  // /api/v1 authenticates with API keys only, /api/inngest with Inngest's signature,
  // /api/approvals (signed links) with its own signature, /api/health with nothing:
  // Clerk must never see (or redirect) them. An /api path holding a `%` comes here too (matched
  // on the raw path), so an undecodable one answers in our error shape; CLERK_FREE keeps Clerk off.
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|api/v1|api/inngest|api/approvals|api/health).*)",
    "/api/(.*%.*)",
  ],
};
