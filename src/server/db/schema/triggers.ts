import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import {
  SCHEDULE_CATCH_UP_POLICIES,
  WEBHOOK_DELIVERY_OUTCOMES,
  WEBHOOK_VERIFICATIONS,
} from "../../../contracts/access-kinds";
import { runs } from "./runs";
import { workflows } from "./workflows";
import { workspaces } from "./workspaces";

export {
  SCHEDULE_CATCH_UP_POLICIES,
  type ScheduleCatchUpPolicy,
  WEBHOOK_DELIVERY_OUTCOMES,
  WEBHOOK_VERIFICATIONS,
  type WebhookDeliveryOutcome,
  type WebhookVerification,
} from "../../../contracts/access-kinds";

/**
 * An URL that starts runs of one workflow when a signed request arrives. The
 * signing secret is encrypted like credentials (it must be read back to verify
 * HMACs); after a rotation the previous one keeps verifying until it expires.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    verification: text("verification", { enum: WEBHOOK_VERIFICATIONS }).notNull().default("standard"),
    /** base64(iv ‖ auth tag ‖ ciphertext) of the signing secret, under encryption key `key_id`. */
    keyId: text("key_id").notNull(),
    secretCiphertext: text("secret_ciphertext").notNull(),
    previousKeyId: text("previous_key_id"),
    previousSecretCiphertext: text("previous_secret_ciphertext"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    /** JSONata over `{ body, headers }` producing the run input; null: the body is the input. */
    mapping: text("mapping"),
    /** Lower-case request header names passed to the mapping (never signature headers). */
    includeHeaders: jsonb("include_headers").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_workflow_idx").on(t.workspaceId, t.workflowId)],
);

/**
 * Every request to an endpoint, accepted or not: the endpoint's delivery log.
 * Deduplication is not here but on the run: its idempotency key is
 * `webhook:<endpoint id>:<message id>`, unique per workspace, so one message id
 * makes one run across restarts and concurrent deliveries.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The sender's message id (`webhook-id`, GitHub's delivery id, Stripe's event id). */
    messageId: text("message_id"),
    outcome: text("outcome", { enum: WEBHOOK_DELIVERY_OUTCOMES }).notNull(),
    status: integer("status").notNull(),
    runId: text("run_id").references(() => runs.id, { onDelete: "set null" }),
    /** The request body as received (bounded by the endpoint's body limit); replays start from it. */
    body: text("body"),
    bodyBytes: integer("body_bytes").notNull().default(0),
    /** The headers the mapping may see (never signatures or cookies). */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /** Why it was refused, in words a sender can act on. */
    error: text("error"),
    /** Set on a replay: the delivery it repeats. */
    replayOf: text("replay_of"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_endpoint_message_idx").on(t.endpointId, t.messageId),
    index("webhook_deliveries_endpoint_received_idx").on(t.endpointId, t.receivedAt),
  ],
);

/**
 * A cron expression in a time zone that starts runs of one workflow with a fixed
 * input. `last_occurrence_at` is the newest occurrence already handled (started or
 * skipped); the occurrence time is part of each run's idempotency key, so a tick
 * that races another, or repeats after a restart, starts nothing twice.
 */
export const workflowSchedules = pgTable(
  "workflow_schedules",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    cron: text("cron").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    input: jsonb("input").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    catchUp: text("catch_up", { enum: SCHEDULE_CATCH_UP_POLICIES }).notNull().default("skip"),
    enabled: boolean("enabled").notNull().default(true),
    lastOccurrenceAt: timestamp("last_occurrence_at", { withTimezone: true }),
    /** The next occurrence after `last_occurrence_at` (or creation); what the tick looks for. */
    nextOccurrenceAt: timestamp("next_occurrence_at", { withTimezone: true }),
    /** The run the newest started occurrence made, and why the last one could not start (null once one does). */
    lastRunId: text("last_run_id"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("workflow_schedules_workflow_idx").on(t.workspaceId, t.workflowId),
    index("workflow_schedules_due_idx").on(t.nextOccurrenceAt).where(sql`${t.enabled}`),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WorkflowSchedule = typeof workflowSchedules.$inferSelect;
