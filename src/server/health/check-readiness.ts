import { sql } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { getDb } from "../db/client";
import { getRateLimitStore } from "../rate-limit/choose-rate-limit-store";
import { createInngestRunsApi } from "../reconcile/inngest-runs-api";

export type Dependency = "database" | "inngest" | "rateLimitStore";

export type Readiness = {
  status: "ready" | "not_ready";
  /** One word per dependency; never a version, a host or an error message. */
  checks: Record<Dependency, "ok" | "failed">;
};

type Check = () => Promise<boolean>;

const DEFAULT_CHECKS: Record<Dependency, Check> = {
  database: async () => {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return true;
  },
  // An authenticated read: proves both that Inngest answers and that our signing key is accepted.
  inngest: () => createInngestRunsApi({ timeoutMs: getEnv().READINESS_CHECK_TIMEOUT_MS }).reachable(),
  rateLimitStore: async () => {
    await getRateLimitStore().ping();
    return true;
  },
};

/** Probes arriving together share one round of checks: the public route cannot be used to multiply load on the dependencies. */
let inFlight: Promise<Readiness> | undefined;

/** The readiness route's answer: at most one round of checks at a time per process. */
export function checkReadinessShared(): Promise<Readiness> {
  inFlight ??= checkReadiness().finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

/**
 * Whether this instance can serve: every dependency checked at once, each within
 * READINESS_CHECK_TIMEOUT_MS, so a hung dependency makes readiness fail fast
 * instead of hanging the probe. Why a check failed goes to the log, not the answer.
 */
export async function checkReadiness(checks: Record<Dependency, Check> = DEFAULT_CHECKS): Promise<Readiness> {
  const timeoutMs = getEnv().READINESS_CHECK_TIMEOUT_MS;
  const names = Object.keys(checks) as Dependency[];
  const outcomes = await Promise.all(names.map((name) => runCheck(name, checks[name], timeoutMs)));
  const results = Object.fromEntries(
    names.map((name, i) => [name, outcomes[i] ? "ok" : "failed"]),
  ) as Readiness["checks"];
  return { status: outcomes.every(Boolean) ? "ready" : "not_ready", checks: results };
}

async function runCheck(name: Dependency, check: Check, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check(), timeout]);
    if (outcome === true) return true;
    logger.warn(
      { dependency: name, reason: outcome === "timeout" ? "timed out" : "refused" },
      "readiness check failed",
    );
    return false;
  } catch (error) {
    logger.warn(
      { dependency: name, cause: error instanceof Error ? error.name : "unknown" },
      "readiness check failed",
    );
    return false;
  } finally {
    clearTimeout(timer);
  }
}
