// GET /api/v1/workflows/:workflowId/schedules – the workflow's schedules
// POST /api/v1/workflows/:workflowId/schedules – add a cron schedule that starts runs of the current version
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { createSchedule } from "@/server/schedules/create-schedule";
import { listSchedules } from "@/server/schedules/queries";

export const GET = apiKeyRoute(V1.listSchedules, async ({ params, caller, db }) =>
  listSchedules(db, caller.workspaceId, params.workflowId),
);

export const POST = apiKeyRoute(V1.createSchedule, async ({ params, body, caller, db }) =>
  createSchedule(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);

export const OPTIONS = publicApiPreflight;
