import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { exampleInputFor } from "../workflows/example-input";
import { getDraft } from "../workflows/get-draft";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";

/**
 * The editor's page: the stored draft (or the current version as a fresh one) with its issues, and
 * the published version the Run button starts; null when the caller cannot see the workflow (the page
 * answers 404, like for one that does not exist).
 */
export async function loadEditorPage(caller: Caller, workflowId: string) {
  if (!/^wf_[A-Za-z0-9_]{1,64}$/.test(workflowId)) return null;
  const db = await getDb();
  try {
    const { draft, issues } = await getDraft(db, { workspaceId: caller.workspaceId, workflowId });
    const { version } = await getWorkflowWithCurrentVersion(db, caller.workspaceId, workflowId);
    const inputSchema = (version.inputSchema ?? null) as Record<string, unknown> | null;
    return {
      workflowId,
      draft,
      issues,
      published: { version: version.version, inputSchema, exampleInput: exampleInputFor(inputSchema) },
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}
