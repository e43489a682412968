import { APPROVAL_DECISIONS, ApprovalConfigSchema } from "../approval-config";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const APPROVAL_NODE: NodeCatalogEntry<"approval"> = {
  type: "approval",
  title: "Approval",
  description: "Waits for a person to approve or reject, or for the timeout.",
  icon: "user-check",
  configSchema: ApprovalConfigSchema,
  defaultConfig: { timeout: "24h" },
  inputs: DEFAULT_HANDLES,
  outputs: APPROVAL_DECISIONS.map((id) => ({ id, label: id })),
};
