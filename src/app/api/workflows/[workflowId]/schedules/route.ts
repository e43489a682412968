// GET /api/workflows/:workflowId/schedules – the workflow's schedules
// POST /api/workflows/:workflowId/schedules – add a cron schedule that starts runs of the current version
import { sessionRoute } from "@/server/http/route";
import { CreateScheduleBody } from "@/server/schedules/contracts";
import { createSchedule } from "@/server/schedules/create-schedule";
import { listSchedules } from "@/server/schedules/queries";
import { WorkflowParams } from "@/server/workflows/contracts";

export const GET = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) =>
  listSchedules(db, caller.workspaceId, params.workflowId),
);

export const POST = sessionRoute(
  { params: WorkflowParams, body: CreateScheduleBody, status: 201 },
  async ({ params, body, caller, db }) =>
    createSchedule(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);
