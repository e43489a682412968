import { z } from "zod";
import { RUN_STATUSES } from "@/contracts/run-statuses";
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

/** A row of the app's workflow list (session route only; the v1 list keeps `WorkflowSummarySchema`). */
export const WorkflowListItemSchema = WorkflowSummarySchema.extend({
  runCount: z.number().int(),
  /** The most recently created run, or null when the workflow never ran. */
  lastRun: z.object({ id: z.string(), status: z.enum(RUN_STATUSES), createdAt: DateTimeSchema }).nullable(),
});
export type WorkflowListItemDto = z.infer<typeof WorkflowListItemSchema>;

/**
 * What the editor autosaves: only the top-level shape is checked, so a half-drawn graph (a dangling
 * edge, a cycle, a bad config) is kept and its problems are answered as issues instead.
 */
export const DraftBody = z
  .object({
    name: z.string().max(120).default(""),
    description: z.string().max(2000).default(""),
    tags: z.array(z.string().max(40)).max(20).default([]),
    graph: z.looseObject({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }),
    inputSchema: JsonSchemaObject.nullable().default(null),
  })
  .strict();
export type DraftBody = z.infer<typeof DraftBody>;

export const WorkflowDraftSchema = DraftBody.extend({
  workflowId: z.string(),
  /** The version the draft started from. */
  baseVersion: z.number().int(),
  /** When it was last saved; null when no draft is stored and this is the current version. */
  updatedAt: DateTimeSchema.nullable(),
});
export type WorkflowDraftDto = z.infer<typeof WorkflowDraftSchema>;

export const DraftIssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  code: z.string().optional(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  field: z.string().optional(),
  cyclePath: z.array(z.string()).optional(),
});

/** The draft with what would stop it from being published (the 422 issues of a save). */
export const DraftWithIssuesSchema = z.object({
  draft: WorkflowDraftSchema,
  issues: z.array(DraftIssueSchema),
});
export type DraftWithIssuesDto = z.infer<typeof DraftWithIssuesSchema>;

/** A self-contained workflow document: what export answers and import accepts. */
export const WorkflowExportSchema = z
  .object({
    format: z.literal("stepwise.workflow"),
    formatVersion: z.literal(1),
    ...WorkflowDefinitionFields,
  })
  .strict();
export type WorkflowExportDto = z.infer<typeof WorkflowExportSchema>;

/** A version number in a path: anything else names no version (404, like a malformed id). */
export const WorkflowVersionParams = WorkflowParams.extend({
  version: z.coerce.number().int().min(1).max(2_147_483_647),
});

/** A row of a workflow's version history (newest first). */
export const WorkflowVersionSummarySchema = z.object({
  version: z.number().int(),
  createdAt: DateTimeSchema,
  nodeCount: z.number().int(),
  edgeCount: z.number().int(),
});
export type WorkflowVersionSummaryDto = z.infer<typeof WorkflowVersionSummarySchema>;

export const WorkflowVersionListSchema = z.object({
  /** The version runs start from now. */
  currentVersion: z.number().int(),
  data: z.array(WorkflowVersionSummarySchema),
});
export type WorkflowVersionListDto = z.infer<typeof WorkflowVersionListSchema>;

/**
 * One immutable version's definition. Name, description and tags are the workflow's (they are not
 * versioned); the graph and input schema are the version's own.
 */
export const WorkflowVersionSchema = z.object({
  workflowId: z.string(),
  version: z.number().int(),
  createdAt: DateTimeSchema,
  name: z.string(),
  description: z.string(),
  graph: WorkflowGraphWireSchema,
  inputSchema: z.record(z.string(), z.unknown()).nullable(),
});
export type WorkflowVersionDto = z.infer<typeof WorkflowVersionSchema>;

/**
 * Publishing a draft begun from an older version would silently drop what was published since:
 * refused with 409 unless the caller says it has seen the current version (`baseVersion`) or means
 * to replace it anyway (`force`).
 */
export const PublishBody = z
  .object({
    force: z.boolean().default(false),
    baseVersion: z.number().int().min(1).optional(),
  })
  .strict();
export type PublishBody = z.infer<typeof PublishBody>;
