import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ENGINE = path.resolve(import.meta.dirname, "../../../src/engine");
// Small pure libraries only: validation, the expression language and its linear-time regex engine.
const ALLOWED_PACKAGES = new Set(["zod", "jsonata", "re2js"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const files = sourceFiles(ENGINE).map((file) => ({
  file: path.relative(ENGINE, file),
  text: readFileSync(file, "utf8"),
}));

describe("src/engine stays pure (ARCHITECTURE.md boundaries)", () => {
  it("has source files", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)("$file imports only zod, jsonata, re2js and engine files", ({ file, text }) => {
    const specifiers = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']/g),
    ].map((m) => m[1] ?? "");
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) {
        const resolved = path.resolve(path.dirname(path.join(ENGINE, file)), specifier);
        expect(resolved.startsWith(ENGINE), `${file} reaches outside src/engine via ${specifier}`).toBe(true);
      } else {
        expect(ALLOWED_PACKAGES.has(specifier), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it.each(files)("$file does not read the environment or evaluate code", ({ text }) => {
    expect(text).not.toMatch(/process\.env/);
    expect(text).not.toMatch(/\beval\s*\(/);
    expect(text).not.toMatch(/new\s+Function\s*\(/);
    expect(text).not.toMatch(/\brequire\s*\(/);
  });
});
