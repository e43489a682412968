// DELETE /api/api-keys/:keyId – revoke a key; requests with it fail from now on
import { ApiKeyParams } from "@/server/api-keys/contracts";
import { revokeApiKey } from "@/server/api-keys/revoke-api-key";
import { sessionRoute } from "@/server/http/route";

export const DELETE = sessionRoute({ role: "admin", params: ApiKeyParams }, async ({ params, caller, db }) =>
  revokeApiKey(db, { workspaceId: caller.workspaceId, keyId: params.keyId }),
);
