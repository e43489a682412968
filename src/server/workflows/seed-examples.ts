import type { Database } from "../db/client";
import { createWorkflow } from "./create-workflow";
import { exampleWorkflows } from "./example-workflows";

/** Adds the example workflows to a new workspace; returns their ids. */
export async function seedExampleWorkflows(db: Database, workspaceId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const example of exampleWorkflows()) {
    const created = await createWorkflow(db, { workspaceId, body: example.body, workflowId: example.id });
    ids.push(created.id);
  }
  return ids;
}
