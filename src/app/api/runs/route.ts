// GET /api/runs – the workspace's runs, newest first, filtered (workflow, status, trigger, time) and paged by cursor
import { sessionRoute } from "@/server/http/route";
import { listRuns } from "@/server/runs/list-runs";
import { RunsPageQuery } from "@/server/runs/runs-page-query";

export const GET = sessionRoute({ query: RunsPageQuery }, ({ query, caller, db }) =>
  listRuns(db, caller.workspaceId, query),
);
