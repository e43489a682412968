import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { RUN_STATUSES, RUN_TRIGGERS } from "../db/schema";
import { listRuns } from "../runs/list-runs";
import { RunsPageQuery } from "../runs/runs-page-query";
import { listWorkflows } from "../workflows/queries";

const FILTER_WORKFLOWS = 200;

export type RunsPageFilters = Record<
  "workflowId" | "status" | "trigger" | "createdAfter" | "createdBefore",
  string
>;

/**
 * The runs page: the workspace's runs under the filters in the URL, a page at a
 * time, with what the filter form offers. Filters that do not parse are shown
 * back with what is wrong instead of being ignored.
 */
export async function loadRunsPage(caller: Caller, params: Record<string, string | string[] | undefined>) {
  const raw = Object.fromEntries(
    Object.entries(params).flatMap(([key, value]) => (typeof value === "string" ? [[key, value]] : [])),
  );
  const filters: RunsPageFilters = {
    workflowId: raw.workflowId ?? "",
    status: raw.status ?? "",
    trigger: raw.trigger ?? "",
    createdAfter: raw.createdAfter ?? "",
    createdBefore: raw.createdBefore ?? "",
  };
  const db = await getDb();
  const workflows = (await listWorkflows(db, caller.workspaceId, FILTER_WORKFLOWS)).map((w) => ({
    id: w.id,
    name: w.name,
  }));
  const options = { workflows, statuses: RUN_STATUSES, triggers: RUN_TRIGGERS };
  const query = RunsPageQuery.safeParse(raw);
  if (!query.success) {
    const problems = query.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    return { filters, options, problems, runs: [], nextCursor: null };
  }
  const page = await listRuns(db, caller.workspaceId, query.data);
  return { filters, options, problems: [], runs: page.data, nextCursor: page.nextCursor };
}
