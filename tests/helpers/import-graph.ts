import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/*
 * A small resolver for the repo's own import graph, enough to prove what a module pulls in behind it.
 * Type-only imports are skipped: they are erased and never reach a bundle.
 */

export const ROOT = path.resolve(import.meta.dirname, "../..");

const STATIC = /(?:^|\n)\s*(?:import|export)(\s+type)?\b[^"';]*?\bfrom\s*["']([^"']+)["']/g;
const SIDE_EFFECT = /(?:^|\n)\s*import\s*["']([^"']+)["']/g;
const DYNAMIC = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The runtime module specifiers in a file's text. */
export function runtimeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(STATIC)) if (match[1] === undefined) found.push(match[2] ?? "");
  for (const match of text.matchAll(SIDE_EFFECT)) found.push(match[1] ?? "");
  for (const match of text.matchAll(DYNAMIC)) found.push(match[1] ?? "");
  return found;
}

/** A repo file (relative to ROOT) for a relative or `@/` specifier, or the bare specifier itself. */
export function resolveSpecifier(fromFile: string, specifier: string): string {
  let base: string;
  if (specifier.startsWith("@/")) base = path.join("src", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.normalize(path.join(path.dirname(fromFile), specifier));
  else return specifier;
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ];
  const file = candidates.find(
    (candidate) => /\.tsx?$/.test(candidate) && existsSync(path.join(ROOT, candidate)),
  );
  return file ?? base;
}

/**
 * Every repo file and package a module reaches at run time, as a map from a file to what it imports.
 * The walk does not descend into targets for which `stop` holds.
 */
export function importGraph(
  entry: string,
  stop: (target: string) => boolean = () => false,
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (graph.has(file)) continue;
    const text = readFileSync(path.join(ROOT, file), "utf8");
    const targets = runtimeSpecifiers(text).map((specifier) => resolveSpecifier(file, specifier));
    graph.set(file, targets);
    for (const target of targets) {
      if (/\.tsx?$/.test(target) && !graph.has(target) && !stop(target)) queue.push(target);
    }
  }
  return graph;
}

/** `from → to` for every import reachable from `entry` whose target is `forbidden` (not walked further). */
export function forbiddenImports(entry: string, forbidden: (target: string) => boolean): string[] {
  const graph = importGraph(entry, forbidden);
  const hits: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) if (forbidden(target)) hits.push(`${file} → ${target}`);
  }
  return hits;
}
