// DELETE /api/credentials/:credentialId – remove a credential (admins); nodes naming it fail from now on
import { CredentialParams } from "@/server/credentials/contracts";
import { deleteCredential } from "@/server/credentials/delete-credential";
import { sessionRoute } from "@/server/http/route";

export const DELETE = sessionRoute(
  { role: "admin", params: CredentialParams },
  async ({ params, caller, db }) =>
    deleteCredential(db, { workspaceId: caller.workspaceId, credentialId: params.credentialId }),
);
