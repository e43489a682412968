import { pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { APPROVAL_STATUSES } from "../../../contracts/access-kinds";
import { runs } from "./runs";

export { APPROVAL_STATUSES, type ApprovalStatus } from "../../../contracts/access-kinds";

/** A person's decision an approval node waits for. One per node per run. */
export const approvals = pgTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull(),
    nodeId: text("node_id").notNull(),
    status: text("status", { enum: APPROVAL_STATUSES }).notNull().default("pending"),
    /** The node's message, rendered when the approval was requested: what the person is asked. */
    message: text("message"),
    /** The node's note on who should decide (shown, not enforced). */
    approvers: text("approvers"),
    /** SHA-256 of the signed link's nonce: a link works once. */
    linkNonceHash: text("link_nonce_hash"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: text("decided_by"),
    comment: text("comment"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("approvals_run_node_key").on(t.runId, t.nodeId)],
);

export type Approval = typeof approvals.$inferSelect;
