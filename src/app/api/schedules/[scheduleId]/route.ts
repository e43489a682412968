// GET /api/schedules/:scheduleId – a schedule with its next and last occurrence
// PATCH /api/schedules/:scheduleId – change it, or enable/disable it
// DELETE /api/schedules/:scheduleId – remove it (runs it started stay)
import { sessionRoute } from "@/server/http/route";
import { ScheduleParams, UpdateScheduleBody } from "@/server/schedules/contracts";
import { deleteSchedule } from "@/server/schedules/delete-schedule";
import { getSchedule } from "@/server/schedules/queries";
import { updateSchedule } from "@/server/schedules/update-schedule";

export const GET = sessionRoute({ params: ScheduleParams }, async ({ params, caller, db }) =>
  getSchedule(db, caller.workspaceId, params.scheduleId),
);

export const PATCH = sessionRoute(
  { params: ScheduleParams, body: UpdateScheduleBody },
  async ({ params, body, caller, db }) =>
    updateSchedule(db, { workspaceId: caller.workspaceId, scheduleId: params.scheduleId, body }),
);

export const DELETE = sessionRoute({ params: ScheduleParams }, async ({ params, caller, db }) => {
  await deleteSchedule(db, { workspaceId: caller.workspaceId, scheduleId: params.scheduleId });
  return new Response(null, { status: 204 });
});
