import { z } from "zod";
import { ErrorBodySchema } from "../http/error-response";
import type { Operation } from "./operation";
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

function responsesOf(op: Operation): Json {
  const errors: Record<number, string> = {};
  if (op.scope) Object.assign(errors, { 401: STANDARD_ERRORS[401], 403: STANDARD_ERRORS[403] });
  if (op.params) errors[404] = STANDARD_ERRORS[404];
  if (op.query || op.body || op.headers) errors[422] = STANDARD_ERRORS[422];
  const all: Record<number, string> = { [op.status]: op.response, ...op.responses, ...errors };
  return Object.fromEntries(
    Object.entries(all).map(([status, description]) => [
      status,
      Number(status) >= 400 ? { description, content: ERROR_CONTENT } : { description },
    ]),
  );
}

function operationObject(op: Operation): Json {
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
    responses: responsesOf(op),
  };
}

/** The OpenAPI 3.1 document of /api/v1, built from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(operations: readonly Operation[] = V1_OPERATIONS) {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, Json>)[op.method] = operationObject(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Stepwise API",
      version: "1",
      description:
        "Create workflows, start and read runs. Authenticate with `Authorization: Bearer sk_…` (create keys in the app or with POST /api/api-keys). Every error answers `{ error: { code, message, requestId, issues? } }`.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "workflows", description: "Workflow graphs and their versions" },
      { name: "runs", description: "Runs of workflows and of single nodes" },
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
      schemas: { Error: jsonSchema(ErrorBodySchema) },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
