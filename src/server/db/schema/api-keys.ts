import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { ApiKeyScope } from "../../../contracts/access-kinds";
import { workspaces } from "./workspaces";

export { API_KEY_SCOPES, type ApiKeyScope } from "../../../contracts/access-kinds";

/**
 * Keys for programs calling /api/v1. Only a display prefix and the SHA-256 of
 * the secret are stored: the secret itself is shown once, at creation.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The first characters of the secret (`sk_` + 8), to find the row and to recognise the key in lists. */
    prefix: text("prefix").notNull(),
    /** Hex SHA-256 of the whole secret. */
    hash: text("hash").notNull(),
    scopes: jsonb("scopes").$type<ApiKeyScope[]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("api_keys_hash_key").on(t.hash),
    index("api_keys_prefix_idx").on(t.prefix),
    index("api_keys_workspace_idx").on(t.workspaceId, t.createdAt),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
