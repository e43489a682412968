import { AppError } from "@/lib/errors";
import { verifyApiKey } from "../api-keys/verify-api-key";
import { getDb } from "../db/client";
import type { ApiKeyScope } from "../db/schema";
import { type Caller, hasScope } from "./caller";

const REASONS = {
  malformed: "The API key is malformed",
  unknown: "The API key is not valid",
  revoked: "The API key has been revoked",
  expired: "The API key has expired",
} as const;

/**
 * A program calling /api/v1 with `Authorization: Bearer sk_…`. Anything short of
 * a live key is 401 (never a redirect to sign-in); a live key without the
 * endpoint's scope is 403.
 */
export async function resolveApiKeyCaller(request: Request, scope: ApiKeyScope): Promise<Caller> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) {
    throw new AppError("unauthorized", "Send an API key as `Authorization: Bearer sk_…`");
  }
  const verified = await verifyApiKey(await getDb(), match[1]);
  if (!verified.ok) throw new AppError("unauthorized", REASONS[verified.reason]);
  const caller: Caller = {
    workspaceId: verified.key.workspaceId,
    actorId: `apikey:${verified.key.id}`,
    role: "member",
    via: "api_key",
    scopes: verified.key.scopes,
    apiKeyId: verified.key.id,
  };
  if (!hasScope(caller, scope)) throw new AppError("forbidden", `This API key lacks the ${scope} scope`);
  return caller;
}
