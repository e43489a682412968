import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { CREDENTIAL_KINDS } from "../../../contracts/access-kinds";
import { workspaces } from "./workspaces";

export { CREDENTIAL_KINDS, type CredentialKind } from "../../../contracts/access-kinds";

/**
 * Per-workspace secrets (provider API keys, database URLs). The secret is
 * AES-256-GCM encrypted; `key_id` names the encryption key so keys can rotate
 * without re-encrypting everything at once. Never returned, never logged.
 */
export const credentials = pgTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** What nodes refer to, e.g. `openai-prod`; unique in the workspace. */
    name: text("name").notNull(),
    kind: text("kind", { enum: CREDENTIAL_KINDS }).notNull(),
    /** Non-secret settings, e.g. `{ baseUrl }` for an OpenAI-compatible provider. */
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    keyId: text("key_id").notNull(),
    /** base64(iv ‖ auth tag ‖ ciphertext). */
    ciphertext: text("ciphertext").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("credentials_workspace_name_key").on(t.workspaceId, t.name),
    index("credentials_key_id_idx").on(t.keyId),
  ],
);

export type Credential = typeof credentials.$inferSelect;
