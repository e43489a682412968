import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { forbiddenImports, ROOT } from "../helpers/import-graph";

/**
 * What the browser imports must stay client-safe all the way down: the node catalog, the request and
 * response contracts pages share with routes, and every "use client" module. One server import deep in
 * the graph would drag a driver, a secret or JSONata into the bundle, or break the build.
 */

const BUILTINS = new Set(builtinModules);

/** Executors, the evaluator and the orchestrator: engine code the editor never runs. */
const ENGINE_RUNTIME =
  /^src\/engine\/(index\.ts|nodes\/(.+-node|registry|execute-node|shared)\.ts|expressions\/(evaluate-expression|render-template|linear-regex)\.ts|run\/)/;

const SERVER_PACKAGES =
  /^(node:|server-only$|drizzle-orm|drizzle-kit|jsonata$|re2js$|libpg-query$|pg$|pino$|@electric-sql\/|@neondatabase\/|@clerk\/nextjs\/server|inngest$|inngest\/(?!react$))/;

/** Server code, except the contracts modules that are pure by design. */
const SERVER_MODULES =
  /^(src\/server\/(?!\w[\w-]*\/contracts\.ts$)|src\/lib\/env\.ts$|inngest\/(?!channels\.ts$).+\.tsx?$)/;

function isForbidden(target: string): boolean {
  const bare = target.split("/")[0] ?? target;
  return (
    BUILTINS.has(target) ||
    BUILTINS.has(bare) ||
    SERVER_PACKAGES.test(target) ||
    ENGINE_RUNTIME.test(target) ||
    SERVER_MODULES.test(target)
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((file) => /\.(ts|tsx)$/.test(file) && !file.endsWith(".d.ts"))
    .map((file) => path.join(dir, file));
}

const CLIENT_COMPONENTS = sourceFiles("src").filter((file) =>
  /^\s*["']use client["']/.test(readFileSync(path.join(ROOT, file), "utf8")),
);

const CLIENT_SAFE_ENTRIES = [
  "src/engine/catalog.ts",
  "src/engine/nodes/catalog/index.ts",
  "src/contracts/run-statuses.ts",
  "src/contracts/access-kinds.ts",
  "src/server/workflows/contracts.ts",
  "src/server/runs/contracts.ts",
  "src/server/approvals/contracts.ts",
  // Their DTO mappers take a db row type: a type-only import, erased before any bundle.
  "src/server/api-keys/contracts.ts",
  "src/server/credentials/contracts.ts",
];

describe("client-safe modules", () => {
  it.each(CLIENT_SAFE_ENTRIES)("%s pulls in nothing server-only", (entry) => {
    expect(forbiddenImports(entry, isForbidden)).toEqual([]);
  });

  it("finds the client components", () => {
    expect(CLIENT_COMPONENTS.length).toBeGreaterThan(0);
  });

  it.each(CLIENT_COMPONENTS)("%s (use client) pulls in nothing server-only", (entry) => {
    expect(forbiddenImports(entry, isForbidden)).toEqual([]);
  });

  it("catches an executor, a node built-in and the database behind an import", () => {
    for (const target of [
      "src/engine/nodes/http/http-node.ts",
      "src/engine/nodes/registry.ts",
      "src/engine/expressions/evaluate-expression.ts",
      "src/engine/index.ts",
      "node:crypto",
      "crypto",
      "server-only",
      "drizzle-orm/pg-core",
      "src/server/db/schema/index.ts",
      "src/server/runs/start-run.ts",
      "jsonata",
      "re2js",
      "libpg-query",
    ]) {
      expect(isForbidden(target), target).toBe(true);
    }
    for (const target of [
      "zod",
      "react",
      "next/navigation",
      "inngest/react",
      "src/server/runs/contracts.ts",
    ]) {
      expect(isForbidden(target), target).toBe(false);
    }
  });
});
