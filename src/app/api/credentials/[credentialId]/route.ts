// PATCH /api/credentials/:credentialId – rotate its secret and/or change its settings (admins)
// DELETE /api/credentials/:credentialId – remove a credential (admins); nodes naming it fail from now on
import { CredentialParams, UpdateCredentialBody } from "@/server/credentials/contracts";
import { deleteCredential } from "@/server/credentials/delete-credential";
import { updateCredential } from "@/server/credentials/update-credential";
import { sessionRoute } from "@/server/http/route";

export const PATCH = sessionRoute(
  { role: "admin", params: CredentialParams, body: UpdateCredentialBody },
  async ({ params, body, caller, db }) =>
    updateCredential(db, { workspaceId: caller.workspaceId, credentialId: params.credentialId, body }),
);

export const DELETE = sessionRoute(
  { role: "admin", params: CredentialParams },
  async ({ params, caller, db }) =>
    deleteCredential(db, { workspaceId: caller.workspaceId, credentialId: params.credentialId }),
);
