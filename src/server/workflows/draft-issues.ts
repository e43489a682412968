import type { ErrorIssue } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";
import { type DraftBody, UpdateWorkflowBody } from "./contracts";
import { checkDefinition } from "./validate-definition";

type DraftFields = Pick<DraftBody, "name" | "description" | "tags" | "graph" | "inputSchema">;

/** The draft as the body of a save (PUT /api/workflows/:id), so publishing applies exactly its rules. */
export function draftAsSave(draft: DraftFields) {
  return UpdateWorkflowBody.safeParse({
    name: draft.name,
    description: draft.description,
    tags: draft.tags,
    graph: draft.graph,
    inputSchema: draft.inputSchema,
  });
}

/** Everything that would stop the draft from being published: the save's field rules, then the graph's. */
export function draftIssues(draft: DraftFields): ErrorIssue[] {
  const asSave = draftAsSave(draft);
  const fieldIssues = asSave.success ? [] : zodIssues(asSave.error, ["body"]);
  return [...fieldIssues, ...checkDefinition(draft.graph, draft.inputSchema).issues];
}
