import { listApiKeys } from "../api-keys/queries";
import type { Caller } from "../auth/caller";
import { listCredentials } from "../credentials/queries";
import { getDb } from "../db/client";
import { API_KEY_SCOPES, CREDENTIAL_KINDS } from "../db/schema";

/**
 * The settings page: API keys (admins only, as their routes) and credentials
 * (names and settings; secrets never leave the server), with the choices the
 * forms offer, so the browser code needs no server module.
 */
export async function loadSettingsPage(caller: Caller) {
  const db = await getDb();
  const isAdmin = caller.role === "admin";
  return {
    isAdmin,
    apiKeys: isAdmin ? await listApiKeys(db, caller.workspaceId) : [],
    credentials: await listCredentials(db, caller.workspaceId),
    scopes: [...API_KEY_SCOPES],
    credentialKinds: [...CREDENTIAL_KINDS],
  };
}
