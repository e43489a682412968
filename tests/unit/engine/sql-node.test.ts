import { describe, expect, it } from "vitest";
import {
  executeNode,
  NODE_CONFIG_SCHEMAS,
  type NodeDeps,
  type RunScope,
  type SqlRequest,
  type SqlResult,
  validateGraph,
} from "@/engine";

const RESULT: SqlResult = {
  kind: "read",
  rows: [{ one: 1 }],
  rowCount: 1,
  fields: [{ name: "one", dataTypeId: 23 }],
  statements: [{ command: "SELECT", rowCount: 1 }],
  truncated: false,
};

function sqlNodeWith(config: Record<string, unknown>) {
  const result = validateGraph({
    nodes: [{ id: "q", type: "sql", position: { x: 0, y: 0 }, data: { config } }],
    edges: [],
  });
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join("\n"));
  const [node] = result.graph.nodes;
  if (!node) throw new Error("no node");
  return node;
}

/** Runs one sql node against a recording SqlClient. */
async function run(config: Record<string, unknown>, scope: RunScope = { input: {}, nodes: {} }) {
  const requests: SqlRequest[] = [];
  const deps: NodeDeps = {
    fetch: async () => {
      throw new Error("fetch not expected");
    },
    log: () => undefined,
    now: () => new Date("2030-01-01T00:00:00Z"),
    sql: {
      execute: async (request) => {
        requests.push(request);
        return RESULT;
      },
    },
  };
  const output = await executeNode({ node: sqlNodeWith(config), scope, deps, runId: "run_1", attempt: 0 });
  return { output, request: requests[0] };
}

describe("sql node", () => {
  it("applies the safe defaults and hands the statement over untouched", async () => {
    const { output, request } = await run({ credential: "warehouse", statement: "SELECT 1 AS one" });
    expect(output).toEqual(RESULT);
    expect(request).toEqual({
      credential: "warehouse",
      statement: "SELECT 1 AS one",
      params: [],
      allowWrites: false,
      dryRun: true,
      allowMultipleStatements: false,
      allowDdl: false,
      timeoutMs: 5000,
      maxRows: 1000,
    });
  });

  it("renders params over the run scope and passes them separately, never into the SQL", async () => {
    const scope = { input: { name: "Robert'); DROP TABLE students;--", ids: [1, 2], tag: null }, nodes: {} };
    const { request } = await run(
      {
        credential: "db",
        statement: "SELECT * FROM students WHERE name = $1 AND id = ANY($2) AND tag IS NOT DISTINCT FROM $3",
        params: [
          "{{ input.name }}",
          "{{ input.ids }}",
          "{{ input.tag }}",
          "id-{{ input.ids[0] }}",
          "{{ input.missing }}",
        ],
      },
      scope,
    );
    expect(request?.statement).not.toContain("Robert");
    expect(request?.params).toEqual(["Robert'); DROP TABLE students;--", [1, 2], null, "id-1", null]);
  });

  it("sends an object param as JSON text", async () => {
    const { request } = await run(
      { credential: "db", statement: "SELECT $1::jsonb", params: ["{{ input }}"] },
      { input: { a: [1, { b: 2 }] }, nodes: {} },
    );
    expect(request?.params).toEqual(['{"a":[1,{"b":2}]}']);
  });

  it("names the param whose expression fails", async () => {
    await expect(
      run({ credential: "db", statement: "SELECT $1", params: ["{{ $error('nope') }}"] }),
    ).rejects.toMatchObject({
      code: "expression_error",
      retriable: false,
      message: expect.stringMatching(/config\.params\.0/),
    });
  });

  it("fails without retrying where no database capability is wired", async () => {
    const node = sqlNodeWith({ credential: "db", statement: "SELECT 1" });
    const deps: NodeDeps = { fetch: globalThis.fetch, log: () => undefined, now: () => new Date() };
    await expect(
      executeNode({ node, scope: { input: {}, nodes: {} }, deps, runId: "run_1", attempt: 0 }),
    ).rejects.toMatchObject({ code: "sql_unavailable", retriable: false });
  });

  it("refuses bad configs at save time, naming the field", () => {
    const schema = NODE_CONFIG_SCHEMAS.sql;
    const issue = (config: unknown) => {
      const parsed = schema.safeParse(config);
      return parsed.success
        ? null
        : `${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`;
    };
    expect(issue({ credential: "db", statement: "   " })).toMatch(/^statement: SQL statement is required/);
    expect(issue({ credential: "not a name", statement: "SELECT 1" })).toMatch(/^credential: /);
    expect(issue({ credential: "db", statement: "SELECT 1", timeoutMs: 0 })).toMatch(/^timeoutMs: /);
    expect(issue({ credential: "db", statement: "SELECT 1", timeoutMs: 60_001 })).toMatch(/^timeoutMs: /);
    expect(issue({ credential: "db", statement: "SELECT 1", params: ["{{ unclosed"] })).toMatch(
      /^params\.0: /,
    );
    expect(issue({ credential: "db", statement: "DROP TABLE t", allowDdl: true })).toMatch(
      /^allowWrites: allowDdl needs allowWrites: true/,
    );
    expect(issue({ credential: "db", statement: "SELECT 1" })).toBeNull();
  });
});
