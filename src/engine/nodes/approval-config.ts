import { z } from "zod";
import { templateField } from "./config-fields";
import { parseDuration } from "./duration";

/** Longest an approval may wait for a person; longer belongs in a process, not a sleeping run. */
export const MAX_APPROVAL_TIMEOUT_MS = 30 * 24 * 60 * 60 * 1000;

/** The decisions an approval node can end with; each is also the sourceHandle of its branch. */
export const APPROVAL_DECISIONS = ["approved", "rejected", "timeout"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/**
 * approval: waits for a person (session route or signed link) until `timeout`, then follows the
 * `approved` / `rejected` / `timeout` edge. `message` is rendered when the approval is requested.
 */
export const ApprovalConfigSchema = z.object({
  message: templateField().optional(),
  timeout: z.union([z.string(), z.number()]).superRefine((value, ctx) => {
    const parsed = parseDuration(value, MAX_APPROVAL_TIMEOUT_MS);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
  }),
  /** Who is expected to decide: a note shown with the request, not an access rule. */
  approvers: z.string().max(1000).optional(),
});

/** The output of an approval node; the planner follows the edge whose sourceHandle is `decision`. */
export type ApprovalOutput = {
  decision: ApprovalDecision;
  by?: string;
  comment?: string;
  decidedAt: string;
};

/** How long an approval node waits, or null when its config is unreadable. */
export function approvalTimeoutMsOf(config: unknown): number | null {
  const parsed = ApprovalConfigSchema.safeParse(config);
  if (!parsed.success) return null;
  const timeout = parseDuration(parsed.data.timeout, MAX_APPROVAL_TIMEOUT_MS);
  return timeout.ok ? timeout.ms : null;
}
