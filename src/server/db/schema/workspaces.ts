import { integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const WORKSPACE_KINDS = ["local", "personal", "organization"] as const;
export type WorkspaceKind = (typeof WORKSPACE_KINDS)[number];

/** The tenant: a Clerk organization, a user's personal workspace, or the one local workspace. */
export const workspaces = pgTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: WORKSPACE_KINDS }).notNull(),
    /** Clerk organization or user id; "local" for the embedded default. */
    externalId: text("external_id").notNull(),
    /** Runs of this workspace executing at once; null: the deployment's default (RUN_CONCURRENCY_PER_WORKSPACE). */
    runConcurrency: integer("run_concurrency"),
    /** Finished runs older than this many days are deleted (pinned runs are kept). */
    runRetentionDays: integer("run_retention_days").notNull().default(30),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspaces_external_id_key").on(t.kind, t.externalId)],
);

export type Workspace = typeof workspaces.$inferSelect;
