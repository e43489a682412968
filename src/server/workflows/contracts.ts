import { z } from "zod";

/** Request and response shapes of the workflow routes (also the source of the OpenAPI document). */

export const WorkflowIdSchema = z.string().regex(/^wf_[a-z0-9_]{1,64}$/, "not a workflow id");
export const WorkflowParams = z.object({ workflowId: WorkflowIdSchema });

const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .describe("A JSON Schema (draft 2020-12 subset) the run input must satisfy");

export const WorkflowDefinitionFields = {
  name: z.string().trim().min(1, "name is required").max(120),
  description: z.string().max(2000).default(""),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  /** Validated by the graph engine, which names the node and field of every problem. */
  graph: z
    .unknown()
    .refine((value) => value !== undefined, "graph is required")
    .describe(
      "The graph `{ nodes, edges }` as the editor (xyflow) stores it; see the node types in the README",
    ),
  inputSchema: JsonSchemaObject.nullable().default(null),
};

export const CreateWorkflowBody = z.object(WorkflowDefinitionFields).strict();
export type CreateWorkflowBody = z.infer<typeof CreateWorkflowBody>;

/** PUT saves a new version: graph is required, the rest keeps its value when omitted. */
export const UpdateWorkflowBody = z
  .object({
    name: WorkflowDefinitionFields.name.optional(),
    description: z.string().max(2000).optional(),
    tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
    graph: WorkflowDefinitionFields.graph,
    inputSchema: JsonSchemaObject.nullable().optional(),
  })
  .strict();
export type UpdateWorkflowBody = z.infer<typeof UpdateWorkflowBody>;

export const ListWorkflowsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export type WorkflowSummaryDto = {
  id: string;
  name: string;
  description: string;
  tags: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type WorkflowDto = WorkflowSummaryDto & {
  graph: unknown;
  inputSchema: Record<string, unknown> | null;
};
