import { describe, expect, it } from "vitest";
import { useNextApp } from "../helpers/next-app";

/**
 * Paths Next itself cannot decode never reach our route wrappers, so only the real server shows
 * what a client gets: our JSON error shape with a request id, never Next's plain-text 500.
 */

const UNDECODABLE = [
  "/api/runs/%E0%A4%A/cancel",
  "/api/runs/%E0%A4%A",
  "/api/workflows/%C0%AF",
  "/api/v1/runs/%FF",
  "/api/approvals/%E0%A4%A",
  "/api/nowhere/%E0%A4%A",
];

describe("undecodable paths", () => {
  const app = useNextApp({});

  for (const path of UNDECODABLE) {
    for (const method of ["GET", "POST"]) {
      it(`${method} ${path} answers 4xx in the JSON error shape`, async () => {
        const answer = await app().call<{ error?: { code: string; requestId: string } }>(method, path, {
          ...(method === "POST" ? { body: {} } : {}),
        });
        expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
        expect(answer.status, answer.text).toBeLessThan(500);
        expect(answer.body.error?.requestId, answer.text).toMatch(/^req/);
        expect(answer.headers.get("x-request-id")).toBe(answer.body.error?.requestId);
      });
    }
  }
});
