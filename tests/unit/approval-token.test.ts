import { describe, expect, it } from "vitest";
import {
  hashLinkNonce,
  newLinkNonce,
  nonceMatches,
  signApprovalToken,
  verifyApprovalToken,
} from "@/server/approvals/approval-token";

const claims = { runId: "run_01abc", nodeId: "ask", expiresAt: 1_900_000_000_000, nonce: newLinkNonce() };

describe("approval link tokens", () => {
  it("round-trips the claims and keeps only a hash of the nonce", () => {
    const token = signApprovalToken(claims);
    expect(verifyApprovalToken(token)).toEqual(claims);
    expect(nonceMatches(claims.nonce, hashLinkNonce(claims.nonce))).toBe(true);
    expect(nonceMatches(newLinkNonce(), hashLinkNonce(claims.nonce))).toBe(false);
    expect(nonceMatches(claims.nonce, null)).toBe(false);
    expect(hashLinkNonce(claims.nonce)).not.toContain(claims.nonce);
  });

  it("refuses a changed payload, a changed signature and anything malformed", () => {
    const [payload = "", signature = ""] = signApprovalToken(claims).split(".");
    const other = Buffer.from(
      JSON.stringify({ r: claims.runId, n: "other", e: claims.expiresAt, x: claims.nonce }),
    ).toString("base64url");
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    for (const bad of [
      `${other}.${signature}`,
      `${payload}.${flipped}`,
      payload,
      "",
      "a.b",
      `${payload}.${signature}x`,
    ]) {
      expect(verifyApprovalToken(bad), bad).toBeNull();
    }
  });

  it("gives every link its own nonce", () => {
    expect(new Set(Array.from({ length: 50 }, newLinkNonce)).size).toBe(50);
  });
});
