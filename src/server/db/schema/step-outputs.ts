import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { runs } from "./runs";

/**
 * Node outputs too large to travel inline: the step row and Inngest's memoized
 * state carry a small reference (`{ $ref: "out_…" }`), this table the data.
 */
export const stepOutputs = pgTable("step_outputs", {
  id: text("id").primaryKey(),
  runId: text("run_id")
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  workspaceId: text("workspace_id").notNull(),
  nodeId: text("node_id").notNull(),
  data: jsonb("data").$type<unknown>().notNull(),
  sizeBytes: integer("size_bytes").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type StepOutput = typeof stepOutputs.$inferSelect;
