import { z } from "zod";
import { RUN_TRIGGERS } from "../db/schema";
import { ListRunsQuery } from "./contracts";

/**
 * The session runs list's filters: the v1 ones (workflow, status, cursor) plus
 * trigger and a creation-time window. Empty strings count as "not set", so a
 * plain HTML form (every field submitted, blank ones included) can drive it.
 */
const blankAsUnset = (value: unknown) => (value === "" ? undefined : value);

export const RunsPageQuery = z.object({
  ...ListRunsQuery.shape,
  workflowId: z.preprocess(blankAsUnset, ListRunsQuery.shape.workflowId),
  status: z.preprocess(blankAsUnset, ListRunsQuery.shape.status),
  cursor: z.preprocess(blankAsUnset, ListRunsQuery.shape.cursor),
  trigger: z.preprocess(blankAsUnset, z.enum(RUN_TRIGGERS).optional()),
  createdAfter: z
    .preprocess(blankAsUnset, z.coerce.date().optional())
    .describe("Runs created at or after this time"),
  createdBefore: z
    .preprocess(blankAsUnset, z.coerce.date().optional())
    .describe("Runs created before this time"),
});
export type RunsPageQuery = z.infer<typeof RunsPageQuery>;
