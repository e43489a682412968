import { z } from "zod";
import { AppError } from "@/lib/errors";

const SeqSchema = z.coerce.number().int().min(0).max(2_147_483_647);

export const RunStreamQuery = z.object({
  lastEventId: SeqSchema.optional().describe(
    "Resume after this event id (seq); the Last-Event-ID header, which EventSource sends on reconnect, wins",
  ),
});
export type RunStreamQuery = z.infer<typeof RunStreamQuery>;

export const LastEventIdHeader = z
  .string()
  .regex(/^\d+$/)
  .describe("The id (seq) of the last event the client has; the stream replays what came after it");

/** Where a stream resumes: the Last-Event-ID header, else `?lastEventId`, else the run's start. */
export function resumeAfter(headers: Headers, query: RunStreamQuery): number {
  const header = headers.get("last-event-id");
  if (header === null || header.trim() === "") return query.lastEventId ?? 0;
  const parsed = SeqSchema.safeParse(header.trim());
  if (!parsed.success) {
    throw new AppError("validation_failed", "Last-Event-ID must be an event id (a non-negative integer)", [
      { path: ["headers", "Last-Event-ID"], message: "expected a non-negative integer" },
    ]);
  }
  return parsed.data;
}
