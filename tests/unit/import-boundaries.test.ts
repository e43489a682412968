import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Enforces the import boundaries of docs/ARCHITECTURE.md. */

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((file) => /\.(ts|tsx)$/.test(file) && !file.endsWith(".d.ts"))
    .map((file) => path.join(dir, file));
}

/** Every module specifier a file imports, statically or dynamically, resolved to a repo path when relative. */
function importsOf(file: string): string[] {
  return importsIn(file, readFileSync(path.join(ROOT, file), "utf8"));
}

function importsIn(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );
  return specifiers.map((spec) => {
    if (spec.startsWith("@/")) return `src/${spec.slice(2)}`;
    if (spec.startsWith(".")) return path.normalize(path.join(path.dirname(file), spec));
    return spec;
  });
}

/** The database layer and every driver: src/app reaches them only through a use-case. */
const APP_DATABASE_IMPORTS = /^(drizzle-orm|pg$|pg\/|@electric-sql\/|@neondatabase\/|src\/server\/db(\/|$))/;

type Rule = { files: (file: string) => boolean; forbidden: RegExp; why: string };

const RULES: Rule[] = [
  {
    files: (f) => f.startsWith("src/engine/"),
    forbidden:
      /^(next|react|drizzle-orm|inngest|@clerk\/|pg$|@neondatabase\/|@electric-sql\/|src\/server|src\/app|inngest\/)/,
    why: "src/engine is pure: no framework, database, job SDK or server code",
  },
  {
    files: (f) => f.startsWith("src/server/db/"),
    forbidden: /^(next|inngest|src\/server\/(?!db\/)|src\/app)/,
    why: "the db layer knows nothing of domains, Next or Inngest",
  },
  {
    files: (f) => f.startsWith("src/server/"),
    forbidden: /^(react|next\/(?!server)|src\/app|inngest\/functions|inngest\/local)/,
    why: "use-cases do not import pages, routes or Inngest functions",
  },
  {
    files: (f) => f.startsWith("src/app/"),
    forbidden: APP_DATABASE_IMPORTS,
    why: "pages and route handlers read and write through src/server use-cases, never the database",
  },
  {
    files: (f) => f.startsWith("src/app/api/") && !f.startsWith("src/app/api/inngest/"),
    forbidden: /^(inngest\/functions|inngest\/local)/,
    why: "route handlers go through src/server use-cases, never Inngest functions directly",
  },
  {
    files: (f) => f.startsWith("inngest/functions/"),
    forbidden: /^(src\/app|react|@clerk\/|inngest\/local)/,
    why: "functions use src/server and src/engine, not the web layer",
  },
  {
    files: (f) => f.startsWith("inngest/local/"),
    forbidden: /^(src\/|inngest\/(functions|client|events|channels))/,
    why: "the local engine is an engine, not app code: it speaks only the protocol",
  },
];

const FILES = [...sourceFiles("src"), ...sourceFiles("inngest")];

function isClientModule(file: string): boolean {
  return (
    file.startsWith("src/") && /^\s*["']use client["']/.test(readFileSync(path.join(ROOT, file), "utf8"))
  );
}

/**
 * What a "use client" module may import: the catalog, client-safe contracts, components, other client
 * modules, React, Next, the canvas (@xyflow/react, its stylesheet, dagre for layout) and Inngest's React
 * hooks (the channel module for its types). Never src/server
 * beyond its contracts, drizzle or a Node built-in: the browser bundle would carry them or fail to build.
 */
const CLIENT_SAFE_TARGETS =
  /^(react$|react-dom|react\/|next\/|zod$|@xyflow\/react(\/dist\/style\.css)?$|@dagrejs\/dagre$|inngest\/react$|inngest\/channels$|src\/components\/|src\/contracts\/|src\/engine\/catalog$|src\/engine\/nodes\/catalog(\/|$)|src\/server\/[\w-]+\/contracts$)/;

function isClientSafeTarget(target: string, clientFiles: readonly string[]): boolean {
  const withoutExtension = target.replace(/\.(ts|tsx)$/, "");
  if (CLIENT_SAFE_TARGETS.test(withoutExtension)) return true;
  return clientFiles.some((file) => file.replace(/\.(ts|tsx)$/, "") === withoutExtension);
}

describe("import boundaries", () => {
  it("finds the source files", () => {
    expect(FILES.length).toBeGreaterThan(20);
  });

  for (const rule of RULES) {
    it(rule.why, () => {
      const violations = FILES.filter(rule.files).flatMap((file) =>
        importsOf(file)
          .filter((target) => rule.forbidden.test(target))
          .map((target) => `${file} imports ${target}`),
      );
      expect(violations).toEqual([]);
    });
  }

  it('"use client" modules import only client-safe modules', () => {
    const clientFiles = FILES.filter((file) => isClientModule(file));
    expect(clientFiles.length).toBeGreaterThan(0);
    const violations = clientFiles.flatMap((file) =>
      importsOf(file)
        .filter((target) => !isClientSafeTarget(target, clientFiles))
        .map((target) => `${file} imports ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it("the use-client rule refuses server code and allows the catalog and contracts", () => {
    for (const target of [
      "src/server/db/client",
      "src/server/runs/start-run",
      "drizzle-orm",
      "node:fs",
      "@/engine",
      "src/engine",
    ]) {
      expect(isClientSafeTarget(target.replace(/^@\//, "src/"), []), target).toBe(false);
    }
    for (const target of [
      "src/engine/catalog",
      "src/server/runs/contracts",
      "src/contracts/run-statuses",
      "src/components/runs/run-steps",
      "react",
      "next/navigation",
      "inngest/react",
      "inngest/channels",
      "@xyflow/react",
      "@xyflow/react/dist/style.css",
      "@dagrejs/dagre",
    ]) {
      expect(isClientSafeTarget(target, []), target).toBe(true);
    }
  });

  it("the src/app database rule catches every way of importing the database", () => {
    const page = path.join("src", "app", "runs", "[runId]", "page.tsx");
    const offending = [
      'import { getDb } from "@/server/db/client";',
      'import type { Run } from "@/server/db/schema";',
      'import { runs } from "../../../server/db/schema/runs";',
      'import * as db from "@/server/db";',
      'const { getDb } = await import("@/server/db/client");',
      'import { eq } from "drizzle-orm";',
      'import { pgTable } from "drizzle-orm/pg-core";',
      'import { PGlite } from "@electric-sql/pglite";',
      'import { Pool } from "pg";',
    ];
    for (const line of offending) {
      expect(
        importsIn(page, line).some((target) => APP_DATABASE_IMPORTS.test(target)),
        line,
      ).toBe(true);
    }
    const allowed = [
      'import { loadRunPage } from "@/server/pages/load-run-page";',
      'import { sessionRoute } from "@/server/http/route";',
      'import { dbg } from "@/server/dbg-tools";',
    ];
    for (const line of allowed) {
      expect(
        importsIn(page, line).some((target) => APP_DATABASE_IMPORTS.test(target)),
        line,
      ).toBe(false);
    }
  });

  it("only the env module reads process.env (the local engine and Next's runtime switch aside)", () => {
    const allowed = [path.join("src", "lib", "env.ts"), path.join("src", "instrumentation.ts")];
    const readers = FILES.filter((file) => !file.startsWith("inngest/local/"))
      .filter((file) => !allowed.includes(file))
      .filter((file) => /process\.env\b/.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(readers).toEqual([]);
  });

  it("no eval or new Function anywhere in app code", () => {
    const offenders = FILES.filter((file) =>
      /\beval\(|new Function\(/.test(readFileSync(path.join(ROOT, file), "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
