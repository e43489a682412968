// GET /api/api-keys – the workspace's API keys (never their secrets)
// POST /api/api-keys – create a key; the answer holds its secret, shown this once

import { CreateApiKeyBody } from "@/server/api-keys/contracts";
import { createApiKey } from "@/server/api-keys/create-api-key";
import { listApiKeys } from "@/server/api-keys/queries";
import { sessionRoute } from "@/server/http/route";

export const GET = sessionRoute({ role: "admin" }, async ({ caller, db }) => ({
  data: await listApiKeys(db, caller.workspaceId),
}));

export const POST = sessionRoute(
  { role: "admin", body: CreateApiKeyBody, status: 201 },
  async ({ body, caller, db }) =>
    createApiKey(db, { workspaceId: caller.workspaceId, createdBy: caller.actorId, body }),
);
