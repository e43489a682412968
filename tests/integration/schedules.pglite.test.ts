import { CRON_SECRET, defineScheduleSuite } from "./schedules-suite";

process.env.CRON_SECRET = CRON_SECRET;

defineScheduleSuite({ driver: "pglite" });
