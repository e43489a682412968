"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ApprovalDecision } from "@/engine/catalog";
import { apiErrorMessage } from "../settings/api-error";

/**
 * Approve / Reject for an open approval (`POST /api/runs/:id/approvals/:nodeId`); the page is read
 * again once the decision is recorded. A refused decision is reported through `onError` (null clears it).
 */
export function ApprovalActions({
  runId,
  nodeId,
  onError,
}: {
  runId: string;
  nodeId: string;
  onError: (message: string | null) => void;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);

  async function decide(decision: "approve" | "reject") {
    onError(null);
    setBusy(true);
    try {
      const response = await fetch(`/api/runs/${runId}/approvals/${nodeId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ decision }),
      });
      if (response.ok) router.refresh();
      else onError(await apiErrorMessage(response));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" disabled={busy} onClick={() => decide("approve")}>
        Approve
      </button>{" "}
      <button type="button" disabled={busy} onClick={() => decide("reject")}>
        Reject
      </button>
    </>
  );
}

/** How a finished approval ended, as a chip. */
export function DecisionBadge({ decision }: { decision: ApprovalDecision }) {
  return (
    <span className={`chip decision-${decision}`} data-decision={decision}>
      {decision === "timeout" ? "timed out" : decision}
    </span>
  );
}
