import { describe, expect, it } from "vitest";
import {
  hashLinkNonce,
  linkNonceFor,
  nonceMatches,
  signApprovalToken,
  verifyApprovalToken,
} from "@/server/approvals/approval-token";

const ask = { runId: "run_01abc", nodeId: "ask", attempt: 0 };
const claims = { runId: "run_01abc", nodeId: "ask", expiresAt: 1_900_000_000_000, nonce: linkNonceFor(ask) };

describe("approval link tokens", () => {
  it("round-trips the claims and keeps only a hash of the nonce", () => {
    const token = signApprovalToken(claims);
    expect(verifyApprovalToken(token)).toEqual(claims);
    expect(nonceMatches(claims.nonce, hashLinkNonce(claims.nonce))).toBe(true);
    expect(nonceMatches(linkNonceFor({ ...ask, attempt: 1 }), hashLinkNonce(claims.nonce))).toBe(false);
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

  it("gives every request its own nonce, and the same one when the same request is made again", () => {
    const requests = Array.from({ length: 50 }, (_, i) => ({ ...ask, runId: `run_${i % 5}`, attempt: i }));
    expect(new Set(requests.map(linkNonceFor)).size).toBe(50);
    // A step re-executed for the same attempt (its result lost) must not invalidate the link it
    // already showed in the run's events.
    expect(linkNonceFor({ ...ask })).toBe(linkNonceFor({ ...ask }));
  });

  it("signs links for an agent tool call's approval key (a node id plus turn and call id)", () => {
    const key = `${"a".repeat(64)}__t12_call_${"x".repeat(80)}`.slice(0, 160);
    const long = { ...claims, nodeId: key };
    expect(verifyApprovalToken(signApprovalToken(long))).toEqual(long);
  });
});
