/*
 * Closed value sets the settings pages and the routes share with the database (API key scopes,
 * credential kinds, approval statuses): here, free of drizzle, so the browser can import them.
 */

export const API_KEY_SCOPES = [
  "workflows:read",
  "workflows:write",
  "runs:read",
  "runs:write",
  "webhooks:read",
  "webhooks:write",
  "schedules:read",
  "schedules:write",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** `bearer`: a token sent as `Authorization: Bearer …` (MCP servers of agent nodes). */
export const CREDENTIAL_KINDS = ["openai", "google", "postgres", "bearer"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** How a webhook endpoint checks its sender: Standard Webhooks, or GitHub's or Stripe's own scheme. */
export const WEBHOOK_VERIFICATIONS = ["standard", "github", "stripe"] as const;
export type WebhookVerification = (typeof WEBHOOK_VERIFICATIONS)[number];

/** What became of one delivery to a webhook endpoint. */
export const WEBHOOK_DELIVERY_OUTCOMES = [
  "accepted",
  "duplicate",
  "rejected_signature",
  "rejected_input",
  "rate_limited",
  "failed",
] as const;
export type WebhookDeliveryOutcome = (typeof WEBHOOK_DELIVERY_OUTCOMES)[number];

/** After downtime, what a schedule does with the occurrences it missed (within the catch-up window). */
export const SCHEDULE_CATCH_UP_POLICIES = ["skip", "run_once"] as const;
export type ScheduleCatchUpPolicy = (typeof SCHEDULE_CATCH_UP_POLICIES)[number];

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "timeout"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
