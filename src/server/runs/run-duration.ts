import { sql } from "drizzle-orm";
import { runs } from "../db/schema";

/**
 * A run's duration as it ends: database time on both ends, so clock skew
 * between app and database cannot produce odd durations. A run that never
 * started (cancelled while queued) counts from its creation.
 */
export const RUN_DURATION_MS = sql<number>`(extract(epoch from (now() - coalesce(${runs.startedAt}, ${runs.createdAt}))) * 1000)::int`;
