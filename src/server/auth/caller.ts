import type { ApiKeyScope } from "../db/schema";

/** Who is calling, as every use-case sees it. */
export type Caller = {
  workspaceId: string;
  /** Clerk user id, "local", or `apikey:<id>` for programs. */
  actorId: string;
  role: "admin" | "member";
  via: "local" | "session" | "api_key";
  /** What an API key may do; people in the app may do everything their role allows. */
  scopes: readonly ApiKeyScope[] | "all";
  apiKeyId?: string;
};

export function hasScope(caller: Caller, scope: ApiKeyScope): boolean {
  return caller.scopes === "all" || caller.scopes.includes(scope);
}
