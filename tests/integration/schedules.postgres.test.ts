import { describe } from "vitest";
import { postgresAvailability } from "../helpers/test-database";
import { CRON_SECRET, defineScheduleSuite } from "./schedules-suite";

process.env.CRON_SECRET = CRON_SECRET;

describe.runIf(postgresAvailability().available)("on PostgreSQL", () => {
  defineScheduleSuite({ driver: "postgres" });
});
