import { getEnv, identityMode } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ensureLocalWorkspace } from "../workspaces/ensure-local-workspace";
import { ensureWorkspace } from "../workspaces/ensure-workspace";
import type { Caller } from "./caller";

/**
 * A person in the app. With Clerk configured, the verified session decides:
 * the active organization's workspace (org admins are admins, everyone else a
 * member), or else the user's personal workspace. Without Clerk (never in
 * production), everyone is the local user of the local workspace.
 */
export async function resolveSessionCaller(): Promise<Caller> {
  if (identityMode(getEnv()) === "local") {
    const workspace = await ensureLocalWorkspace();
    return { workspaceId: workspace.id, actorId: "local", role: "admin", via: "local", scopes: "all" };
  }
  // Loaded only in Clerk mode: it needs the proxy's request context.
  const { auth } = await import("@clerk/nextjs/server");
  const session = await auth();
  if (!session.userId) throw new AppError("unauthorized", "Sign in to continue");
  if (session.orgId) {
    const workspace = await ensureWorkspace("organization", session.orgId);
    const role = session.orgRole === "org:admin" ? "admin" : "member";
    return { workspaceId: workspace.id, actorId: session.userId, role, via: "session", scopes: "all" };
  }
  const workspace = await ensureWorkspace("personal", session.userId);
  return { workspaceId: workspace.id, actorId: session.userId, role: "admin", via: "session", scopes: "all" };
}
