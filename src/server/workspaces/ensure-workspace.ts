import { and, eq } from "drizzle-orm";
import { newId } from "@/lib/ids";
import { getDb } from "../db/client";
import { type Workspace, type WorkspaceKind, workspaces } from "../db/schema";

/**
 * Workspaces already read, by kind and external id: a workspace row is never changed
 * or deleted, so a session request need not read it again. Bounded: when full it
 * starts again.
 */
const known = new Map<string, Workspace>();
const MAX_KNOWN = 10_000;

/**
 * The workspace of a Clerk organization or of a user's personal space, created
 * on first use. Concurrent first requests race on the unique (kind, external id)
 * index and both end up with the same row.
 */
export async function ensureWorkspace(
  kind: Exclude<WorkspaceKind, "local">,
  externalId: string,
): Promise<Workspace> {
  const cacheKey = `${kind}:${externalId}`;
  const cached = known.get(cacheKey);
  if (cached) return cached;
  const workspace = await findOrCreate(kind, externalId);
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(cacheKey, workspace);
  return workspace;
}

async function findOrCreate(kind: Exclude<WorkspaceKind, "local">, externalId: string): Promise<Workspace> {
  const db = await getDb();
  const where = and(eq(workspaces.kind, kind), eq(workspaces.externalId, externalId));
  const [existing] = await db.select().from(workspaces).where(where);
  if (existing) return existing;
  await db
    .insert(workspaces)
    .values({
      id: newId("workspace"),
      kind,
      externalId,
      name: kind === "organization" ? "Organization workspace" : "Personal workspace",
    })
    .onConflictDoNothing();
  const [created] = await db.select().from(workspaces).where(where);
  if (!created) throw new Error(`workspace for ${kind} ${externalId} missing after insert`);
  return created;
}
