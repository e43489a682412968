/*
 * Closed value sets the settings pages and the routes share with the database (API key scopes,
 * credential kinds, approval statuses): here, free of drizzle, so the browser can import them.
 */

export const API_KEY_SCOPES = ["workflows:read", "workflows:write", "runs:read", "runs:write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const CREDENTIAL_KINDS = ["openai", "google", "postgres"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "timeout"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
