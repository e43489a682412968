import { ensureLocalWorkspace } from "../workspaces/ensure-local-workspace";

/** Who is calling, as every use-case sees it. */
export type Caller = {
  workspaceId: string;
  userId: string;
  role: "admin" | "member";
  via: "local" | "session" | "api_key";
};

/**
 * The auth seam. Until sign-in lands, every request acts as the one local user in
 * the local workspace; identity plugs in here without touching routes.
 */
export async function resolveCaller(_request: Request): Promise<Caller> {
  const workspace = await ensureLocalWorkspace();
  return { workspaceId: workspace.id, userId: "local", role: "admin", via: "local" };
}
