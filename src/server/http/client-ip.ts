import { getEnv } from "@/lib/env";

/**
 * The caller's IP, for per-IP rate limits. Route handlers never see the socket, so
 * it comes from headers, and which header can be trusted depends on what is in front:
 * on Vercel the platform sets `x-real-ip` to the connecting client (a client's own
 * value is overwritten); elsewhere the last `x-forwarded-for` entry is the one the
 * nearest proxy (or Next itself, from the socket, when the header is absent) wrote.
 * A self-hosted server exposed without a proxy keeps a client's own header, so run it
 * behind one (docs/PRODUCTION_READINESS.md, Rate limits).
 */
export function clientIp(request: Request): string | undefined {
  const headers = request.headers;
  if (getEnv().VERCEL) {
    const real = headers.get("x-real-ip")?.trim();
    if (real) return real;
  }
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || undefined;
}
