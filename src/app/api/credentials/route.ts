// GET /api/credentials – the workspace's credentials (names and settings, never secrets)
// POST /api/credentials – store a secret encrypted (admins)
import { CreateCredentialBody } from "@/server/credentials/contracts";
import { createCredential } from "@/server/credentials/create-credential";
import { listCredentials } from "@/server/credentials/queries";
import { sessionRoute } from "@/server/http/route";

export const GET = sessionRoute({}, async ({ caller, db }) => ({
  data: await listCredentials(db, caller.workspaceId),
}));

export const POST = sessionRoute(
  { role: "admin", body: CreateCredentialBody, status: 201 },
  async ({ body, caller, db }) =>
    createCredential(db, { workspaceId: caller.workspaceId, createdBy: caller.actorId, body }),
);
