import { z } from "zod";
import { RunEventMessageSchema } from "../../../inngest/channels";
import { ErrorBodySchema } from "../http/error-response";
import {
  BlockRunResultSchema,
  RunAcceptedSchema,
  RunErrorSchema,
  RunListSchema,
  RunSchema,
  RunStepSchema,
  RunSummarySchema,
} from "../runs/contracts";
import { ScheduleListSchema, ScheduleSchema } from "../schedules/contracts";
import { WebhookDeliverySchema, WebhookSchema } from "../webhooks/contracts";
import {
  EdgeSchema,
  NodeSchema,
  WorkflowGraphWireSchema,
  WorkflowListSchema,
  WorkflowSchema,
  WorkflowSummarySchema,
} from "../workflows/contracts";
import type { Answer, Operation } from "./operation";
import { V1_OPERATIONS } from "./v1-operations";

type Json = Record<string, unknown>;
type Parameter = {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Json;
  description?: string;
};

/** What a client sends: defaults make fields optional, coercions read as the target type. */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Json;
  return rest;
}

/**
 * Named schemas of `components.schemas`; wherever one occurs in an answer the document says `$ref`,
 * so generated clients get one type per name. RunEvent appears in no JSON answer: it is the `data` of
 * every stored event of a run stream, named here so clients can type what they parse.
 */
const COMPONENTS = {
  Workflow: WorkflowSchema,
  WorkflowSummary: WorkflowSummarySchema,
  WorkflowList: WorkflowListSchema,
  WorkflowGraph: WorkflowGraphWireSchema,
  Node: NodeSchema,
  Edge: EdgeSchema,
  Run: RunSchema,
  RunSummary: RunSummarySchema,
  RunList: RunListSchema,
  RunStep: RunStepSchema,
  RunError: RunErrorSchema,
  RunAccepted: RunAcceptedSchema,
  BlockRunResult: BlockRunResultSchema,
  Schedule: ScheduleSchema,
  ScheduleList: ScheduleListSchema,
  RunEvent: RunEventMessageSchema,
  Webhook: WebhookSchema,
  WebhookDelivery: WebhookDeliverySchema,
  Error: ErrorBodySchema,
} satisfies Record<string, z.ZodType>;

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;

/**
 * Answers stay open to new fields (zod closes output objects): adding a field must not break a client
 * that validates. The rest is noise zod adds for its own checks: `format` already names an ISO
 * date-time, and every JSON integer a client sees is a safe one.
 */
function tidy({ jsonSchema: schema }: { jsonSchema: Json }): void {
  if (schema.additionalProperties === false) delete schema.additionalProperties;
  if (schema.format === "date-time") delete schema.pattern;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
}

const ANSWER_OPTIONS = { io: "output", unrepresentable: "any", override: tidy } as const;

/**
 * What a server answers, with every named schema as a `$ref`. The registry is built per call rather
 * than with `.meta({ id })` on the global one, whose ids must be unique per process (a module evaluated
 * twice, as in dev reloads, would throw).
 */
function answerSchemas() {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { ...ANSWER_OPTIONS, uri: COMPONENT_REF });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Json;
      return [id, rest];
    }),
  );
  const schemaOf = (schema: z.ZodType): Json => {
    const id = registry.get(schema)?.id;
    if (id) return { $ref: COMPONENT_REF(id) };
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, ANSWER_OPTIONS) as Json;
    return rest;
  };
  return { components, schemaOf };
}

/** An object schema's fields as separate parameters, the way paths and query strings carry them. */
function parametersOf(schema: z.ZodType | undefined, where: "path" | "query"): Parameter[] {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as Json & { description?: string };
    return {
      name,
      in: where,
      required: where === "path" || (object.required ?? []).includes(name),
      schema: rest,
      ...(description && { description }),
    };
  });
}

const ERROR_CONTENT = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

const STANDARD_ERRORS = {
  401: "No API key, or a malformed, unknown, revoked or expired one (with `WWW-Authenticate: Bearer`)",
  403: "The API key lacks the operation's scope",
  404: "No such resource in the key's workspace (another workspace's ids are not found either)",
  422: "Invalid input; `issues` names every problem",
} as const;

function responsesOf(op: Operation, schemaOf: (schema: z.ZodType) => Json): Json {
  const errors: Record<number, string> = {};
  if (op.scope) Object.assign(errors, { 401: STANDARD_ERRORS[401], 403: STANDARD_ERRORS[403] });
  if (op.params) errors[404] = STANDARD_ERRORS[404];
  if (op.query || op.body || op.headers) errors[422] = STANDARD_ERRORS[422];
  const all: Record<number, string | Answer> = { [op.status]: op.response, ...op.responses, ...errors };
  return Object.fromEntries(
    Object.entries(all).map(([status, given]) => {
      const answer = typeof given === "string" ? { description: given } : given;
      if (Number(status) >= 400) return [status, { description: answer.description, content: ERROR_CONTENT }];
      const content = answer.schema && {
        [answer.mediaType ?? "application/json"]: { schema: schemaOf(answer.schema) },
      };
      return [status, { description: answer.description, ...(content && { content }) }];
    }),
  );
}

function operationObject(op: Operation, schemaOf: (schema: z.ZodType) => Json): Json {
  const headers: Parameter[] = Object.entries(op.headers ?? {}).map(([name, header]) => ({
    name,
    in: "header",
    required: false,
    schema: jsonSchema(header.schema),
    description: header.description,
  }));
  const parameters = [...parametersOf(op.params, "path"), ...parametersOf(op.query, "query"), ...headers];
  const body = op.body ? jsonSchema(op.body) : undefined;
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description && { description: op.description }),
    // Scopes as role names of the bearer scheme, which OpenAPI 3.1 allows for non-OAuth schemes.
    security: op.scope ? [{ apiKey: [op.scope] }] : [],
    ...(op.scope && { "x-required-scope": op.scope }),
    ...(parameters.length > 0 && { parameters }),
    ...(body && {
      requestBody: {
        // A body whose every field has a default may be left out.
        required: Array.isArray(body.required) && body.required.length > 0,
        content: { "application/json": { schema: body } },
      },
    }),
    responses: responsesOf(op, schemaOf),
  };
}

/** The OpenAPI 3.1 document of /api/v1, built from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(operations: readonly Operation[] = V1_OPERATIONS) {
  const { components, schemaOf } = answerSchemas();
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, Json>)[op.method] = operationObject(op, schemaOf);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Stepwise API",
      version: "1",
      description:
        "Create workflows, start and read runs, manage webhook endpoints, schedule runs. Authenticate with `Authorization: Bearer sk_…` (create keys in the app or with POST /api/api-keys). Every error answers `{ error: { code, message, requestId, issues? } }`.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "workflows", description: "Workflow graphs and their versions" },
      { name: "runs", description: "Runs of workflows and of single nodes" },
      { name: "webhooks", description: "Signed webhook endpoints that start runs, and their deliveries" },
      { name: "schedules", description: "Cron schedules that start runs of a workflow" },
      { name: "meta", description: "About the API" },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key (`sk_…`) with the scopes the operation names",
        },
      },
      schemas: components,
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
