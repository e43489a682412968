import { sql } from "drizzle-orm";
import { getDb } from "../db/client";

export type Health = { status: "ok" | "degraded"; database: "ok" | "unavailable"; latencyMs: number };

/** Liveness plus database readiness; says nothing about data. */
export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return { status: "ok", database: "ok", latencyMs: Math.round(performance.now() - started) };
  } catch {
    return {
      status: "degraded",
      database: "unavailable",
      latencyMs: Math.round(performance.now() - started),
    };
  }
}
