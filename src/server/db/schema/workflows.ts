import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { workspaces } from "./workspaces";

/** A workflow is a name plus a pointer to its current immutable version. */
export const workflows = pgTable(
  "workflows",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    currentVersion: integer("current_version").notNull(),
    published: boolean("published").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [index("workflows_workspace_updated_idx").on(t.workspaceId, t.updatedAt)],
);

/**
 * Immutable graph snapshots. Every save inserts a row; runs pin the row they
 * started on, so editing a workflow never changes a run in flight.
 */
export const workflowVersions = pgTable(
  "workflow_versions",
  {
    id: text("id").primaryKey(),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The xyflow-compatible `{ nodes, edges }` graph, validated before insert. */
    graph: jsonb("graph").$type<unknown>().notNull(),
    /** Optional JSON Schema the run input must satisfy. */
    inputSchema: jsonb("input_schema").$type<Record<string, unknown> | null>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workflow_versions_workflow_version_key").on(t.workflowId, t.version)],
);

/**
 * The editor's autosaved work in progress, at most one per workflow. A table of its own rather than
 * columns on `workflows`: autosaves every few seconds must not bump the workflow's `updated_at` (the
 * lists' order) nor lock the row that saves and runs read, and nothing that runs a graph can read an
 * unvalidated one by mistake. Deleting the row discards the draft.
 */
export const workflowDrafts = pgTable("workflow_drafts", {
  workflowId: text("workflow_id")
    .primaryKey()
    .references(() => workflows.id, { onDelete: "cascade" }),
  workspaceId: text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** The version the editor started from: publishing makes the version after the then current one. */
  baseVersion: integer("base_version").notNull(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  /** As the editor sent it: `{ nodes, edges }` arrays, possibly an invalid graph. */
  graph: jsonb("graph").$type<{ nodes: unknown[]; edges: unknown[] }>().notNull(),
  inputSchema: jsonb("input_schema").$type<Record<string, unknown> | null>(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowVersion = typeof workflowVersions.$inferSelect;
export type WorkflowDraft = typeof workflowDrafts.$inferSelect;
