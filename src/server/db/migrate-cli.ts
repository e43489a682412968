// npm run db:migrate – apply drizzle/ to the database DATABASE_URL names.
import { existsSync } from "node:fs";
import { migrateConfiguredDatabase } from "./migrate";

if (existsSync(".env")) process.loadEnvFile(".env");

migrateConfiguredDatabase()
  .then((target) => {
    console.log(`migrations applied (${target})`);
  })
  .catch((error: unknown) => {
    console.error("migration failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
