import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Every API route file and the methods it exports, read from src/app/api so a new route is
 * covered by the suites that walk them without anyone listing it.
 */
export type ApiRoute = {
  /** `/api/runs/[runId]/cancel`, the folder path as Next names it. */
  template: string;
  /** Dynamic segments in order (`runId`, or `path` for the catch-all). */
  params: string[];
  methods: string[];
};

const API_DIR = path.resolve(import.meta.dirname, "../../src/app/api");
const METHOD_EXPORT = /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g;

export function listApiRoutes(): ApiRoute[] {
  return readdirSync(API_DIR, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith("route.ts"))
    .sort()
    .map((file) => {
      const folder = path.dirname(file).split(path.sep).join("/");
      const template = folder === "." ? "/api" : `/api/${folder}`;
      const source = readFileSync(path.join(API_DIR, file), "utf8");
      return {
        template,
        params: [...template.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)].map((m) => m[1] ?? ""),
        methods: [...source.matchAll(METHOD_EXPORT)].map((m) => m[1] ?? ""),
      };
    });
}

/** The path with each `[param]` replaced by the given raw (already encoded) text. */
export function fillTemplate(template: string, values: string[]): string {
  let index = 0;
  return template.replace(/\[(?:\.\.\.)?\w+\]/g, () => values[index++] ?? "x");
}
