import { sql } from "drizzle-orm";
import { logger } from "@/lib/logger";
import { getDb } from "../db/client";
import { isDatabaseUnavailable } from "../db/database-unavailable";

export type Health = { status: "ok" | "degraded"; database: "ok" | "unavailable"; latencyMs: number };

/** Liveness plus database readiness; says nothing about data. */
export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return { status: "ok", database: "ok", latencyMs: latencyMs() };
  } catch (error) {
    // An outage is expected now and then; anything else failing `select 1` is a bug worth a loud log.
    if (isDatabaseUnavailable(error)) logger.warn({ err: error }, "health: database unavailable");
    else logger.error({ err: error }, "health: database check failed");
    return { status: "degraded", database: "unavailable", latencyMs: latencyMs() };
  }
}
