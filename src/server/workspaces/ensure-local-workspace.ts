import { and, eq } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { getDb } from "../db/client";
import { type Workspace, workspaces } from "../db/schema";
import { seedExampleWorkflows } from "../workflows/seed-examples";

export const LOCAL_WORKSPACE_ID = "ws_local";

let localWorkspace: Promise<Workspace> | undefined;

/**
 * The one workspace of the embedded default, created (with the example
 * workflows) on first use. Never used in production: the env module refuses
 * to start there without real identity configuration.
 */
export function ensureLocalWorkspace(): Promise<Workspace> {
  localWorkspace ??= createIfMissing().catch((error: unknown) => {
    localWorkspace = undefined;
    throw error;
  });
  return localWorkspace;
}

async function createIfMissing(): Promise<Workspace> {
  const db = await getDb();
  const [inserted] = await db
    .insert(workspaces)
    .values({ id: LOCAL_WORKSPACE_ID, name: "Local workspace", kind: "local", externalId: "local" })
    .onConflictDoNothing()
    .returning();
  if (inserted && getEnv().SEED_EXAMPLES) {
    const seeded = await seedExampleWorkflows(db, inserted.id);
    logger.info({ workspaceId: inserted.id, workflows: seeded }, "seeded example workflows");
  }
  const [workspace] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.kind, "local"), eq(workspaces.externalId, "local")));
  if (!workspace) throw new Error("local workspace missing after insert");
  return workspace;
}
