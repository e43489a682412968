import { z } from "zod";
import { expressionField } from "./config-fields";

/** How deep sub-workflows may nest (a top-level run is depth 0); deeper is almost always a loop. */
export const MAX_SUBWORKFLOW_DEPTH = 5;

/**
 * subworkflow: runs another workflow of the same workspace as a child run and outputs its output.
 * `version` pins one; without it the child runs the version that was current when the parent run
 * started. `input` is a JSONata expression over the scope that must produce an object (default `{}`).
 */
export const SubworkflowConfigSchema = z.object({
  workflowId: z
    .string()
    .min(1, "Workflow id is required")
    .regex(/^wf_[a-z0-9_]{1,64}$/, "Not a workflow id (wf_…)"),
  version: z.number().int().min(1).optional(),
  input: expressionField().optional(),
});
