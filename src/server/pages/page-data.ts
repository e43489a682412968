import { isDatabaseUnavailable } from "../db/database-unavailable";

export type PageData<T> = { ok: true; data: T } | { ok: false; reason: "unavailable" };

/**
 * Loads what a page shows, telling a database outage apart from a bug: the page
 * then says the data is unavailable for a moment (and retries) instead of failing
 * with a 500 error page. Anything else, Next's own redirects and not-found
 * signals included, passes through unchanged.
 */
export async function loadPageData<T>(load: () => Promise<T>): Promise<PageData<T>> {
  try {
    return { ok: true, data: await load() };
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { ok: false, reason: "unavailable" };
    throw error;
  }
}
