import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/server/openapi/build-document";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The served document passes Redocly's recommended rules (with the exceptions redocly.yaml explains). */
describe("the OpenAPI document", () => {
  it("lints clean with Redocly: no error, no warning", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "stepwise-openapi-"));
    try {
      const file = path.join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(buildOpenApiDocument()));
      const lint = spawnSync(
        process.execPath,
        [
          path.join(ROOT, "node_modules/@redocly/cli/bin/cli.js"),
          "lint",
          file,
          "--config",
          path.join(ROOT, "redocly.yaml"),
        ],
        {
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        },
      );
      const output = `${lint.stdout}\n${lint.stderr}`;
      expect(lint.status, output).toBe(0);
      expect(output).toContain("Your API description is valid");
      // Rule findings are reported as "You have N warnings"; a clean document has none.
      expect(output, output).not.toMatch(/You have \d+ warnings?|Warning was generated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
