// GET /api/v1/schedules/:scheduleId – a schedule with its next and last occurrence
// PATCH /api/v1/schedules/:scheduleId – change it, or enable/disable it
// DELETE /api/v1/schedules/:scheduleId – remove it (runs it started stay)
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { deleteSchedule } from "@/server/schedules/delete-schedule";
import { getSchedule } from "@/server/schedules/queries";
import { updateSchedule } from "@/server/schedules/update-schedule";

export const GET = apiKeyRoute(V1.getSchedule, async ({ params, caller, db }) =>
  getSchedule(db, caller.workspaceId, params.scheduleId),
);

export const PATCH = apiKeyRoute(V1.updateSchedule, async ({ params, body, caller, db }) =>
  updateSchedule(db, { workspaceId: caller.workspaceId, scheduleId: params.scheduleId, body }),
);

export const DELETE = apiKeyRoute(V1.deleteSchedule, async ({ params, caller, db }) => {
  await deleteSchedule(db, { workspaceId: caller.workspaceId, scheduleId: params.scheduleId });
  return new Response(null, { status: 204 });
});

export const OPTIONS = publicApiPreflight;
