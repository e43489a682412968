import { after } from "next/server";

/**
 * Keeps a serverless function alive until `work` settles, after its answer went out (Next's
 * `after`, which is Vercel's waitUntil). Outside a Next request (tests serving route handlers
 * directly, scripts) there is nothing to extend: a long-lived process finishes the work anyway.
 */
export function keepServing(work: Promise<unknown>): void {
  try {
    after(() => work.catch(() => undefined));
  } catch {
    // Not inside a request scope.
  }
}
