import { z } from "zod";
import { NODE_TYPES, NodeSettingsSchema, WorkflowEdgeSchema } from "@/engine/catalog";

/**
 * Request and response shapes of the workflow routes (also the source of the OpenAPI document).
 * Client-safe: pages import this too, so it imports only zod and client-safe modules (a test checks).
 */

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

/** An ISO 8601 date-time in UTC, as `Date#toISOString` writes it. */
export const DateTimeSchema = z.iso.datetime();

/**
 * A node as the API answers it: the editor's shape with `config` left open. Stored versions were
 * validated by the engine's per-type schemas when saved; the answer stays loose so a version saved
 * under older config rules still matches what is documented.
 */
export const NodeSchema = z.looseObject({
  id: z.string(),
  type: z.enum(NODE_TYPES),
  position: z.object({ x: z.number(), y: z.number() }),
  data: z.looseObject({
    label: z.string().optional(),
    config: z.record(z.string(), z.unknown()).describe("The node type's settings; see the README"),
    settings: NodeSettingsSchema.optional(),
  }),
});

export const EdgeSchema = WorkflowEdgeSchema;

export const WorkflowGraphWireSchema = z.object({ nodes: z.array(NodeSchema), edges: z.array(EdgeSchema) });
export type WorkflowGraphDto = z.infer<typeof WorkflowGraphWireSchema>;

export const WorkflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  /** The current version: 1 on create, one more on every save. */
  version: z.number().int(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
});
export type WorkflowSummaryDto = z.infer<typeof WorkflowSummarySchema>;

export const WorkflowSchema = WorkflowSummarySchema.extend({
  graph: WorkflowGraphWireSchema,
  inputSchema: z.record(z.string(), z.unknown()).nullable(),
});
export type WorkflowDto = z.infer<typeof WorkflowSchema>;

export const WorkflowListSchema = z.object({ data: z.array(WorkflowSummarySchema) });
export type WorkflowListDto = z.infer<typeof WorkflowListSchema>;
