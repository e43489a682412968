import { parseTemplate } from "../../expressions/parse-template";
import type { RunScope } from "../../expressions/run-scope";
import { SQL_NODE } from "../catalog/sql";
import type { NodeDefinition } from "../node-definition";
import { NodeExecutionError } from "../node-execution-error";
import { evaluateField, renderField } from "../shared";
import type { SqlParam, SqlResult, SqlScalar } from "./sql-client";

/**
 * sql: renders `params` and hands the statement to `deps.sql`, which classifies it with a SQL parser,
 * refuses what the flags do not allow and runs the rest in a transaction bounded by `timeoutMs`.
 * The engine never builds SQL text: params travel separately and are bound as $1..$n.
 */
export const sqlNode: NodeDefinition<"sql"> = {
  ...SQL_NODE,
  sideEffect: "external",
  execute: async (config, ctx): Promise<SqlResult> => {
    const sql = ctx.deps.sql;
    if (sql === undefined) {
      throw new NodeExecutionError("sql nodes cannot run here: no database capability is configured", {
        code: "sql_unavailable",
        retriable: false,
      });
    }
    const params: SqlParam[] = [];
    for (const [index, template] of config.params.entries()) {
      params.push(await renderParam(index, template, ctx.scope));
    }
    return sql.execute({ ...config, params });
  },
};

/**
 * A param that is exactly one `{{ expression }}` keeps the expression's type (null stays NULL, a number
 * stays a number, a list of scalars becomes a Postgres array, an object becomes JSON text); anything
 * else is rendered as text, as in every other template.
 */
async function renderParam(index: number, template: string, scope: RunScope): Promise<SqlParam> {
  const field = `params.${index}`;
  const segments = parseTemplate(template);
  const only = segments.length === 1 ? segments[0] : undefined;
  if (only?.kind !== "expression") return renderField(field, template, scope);
  return toSqlParam(await evaluateField(field, only.source, scope), field);
}

function toSqlParam(value: unknown, field: string): SqlParam {
  if (Array.isArray(value)) {
    const items: unknown[] = [...value];
    return items.every(isScalar) ? items.map((item) => toScalar(item, field)) : JSON.stringify(value);
  }
  if (isScalar(value)) return toScalar(value, field);
  return JSON.stringify(value);
}

function isScalar(value: unknown): value is SqlScalar | undefined {
  return value === undefined || value === null || ["string", "number", "boolean"].includes(typeof value);
}

function toScalar(value: SqlScalar | undefined, field: string): SqlScalar {
  if (value === undefined) return null;
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new NodeExecutionError(`config.${field}: ${value} cannot be sent to the database`, {
      code: "invalid_param",
      retriable: false,
    });
  }
  return value;
}
