import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { enforceRateLimit, RateLimitExceeded } from "./enforce-rate-limit";
import type { RateLimitVerdict } from "./rate-limit-store";

/**
 * The route wrappers' rate limits: every authenticated caller spends from its own
 * budget (an API key, or a person in a workspace), and every failed
 * authentication spends from its IP's. Once an IP is over, it is refused before
 * its credentials are even looked up, until its window ends.
 */

/** IPs over their failed-authentication budget, with the refusal to repeat until it ends; in-process, bounded. */
const blocked = new Map<string, RateLimitVerdict>();
const MAX_BLOCKED = 10_000;

export async function limitCaller(caller: Caller): Promise<RateLimitVerdict | undefined> {
  if (caller.via === "api_key" && caller.apiKeyId) return enforceRateLimit("api_key", caller.apiKeyId);
  return enforceRateLimit("session", `${caller.workspaceId}:${caller.actorId}`);
}

/** Throws 429 for an IP still blocked for failing authentication; costs no store call. */
export function refuseBlockedIp(ip: string | undefined, now = Date.now()): void {
  if (!ip) return;
  const refusal = blocked.get(ip);
  if (refusal === undefined) return;
  if (refusal.resetAt <= now) {
    blocked.delete(ip);
    return;
  }
  throw new RateLimitExceeded(refusal);
}

/**
 * Counts a failed authentication (401) from `ip`. Over the budget, the 401 becomes
 * a 429 and the IP is blocked here until the window ends. Anything but a 401 passes.
 */
export async function countAuthFailure(error: unknown, ip: string | undefined): Promise<void> {
  if (!ip || !(error instanceof AppError) || error.code !== "unauthorized") return;
  try {
    await enforceRateLimit("auth_failure", ip);
  } catch (refusal) {
    if (refusal instanceof RateLimitExceeded) {
      if (blocked.size >= MAX_BLOCKED) blocked.clear();
      blocked.set(ip, refusal.verdict);
    }
    throw refusal;
  }
}
