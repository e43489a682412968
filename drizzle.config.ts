import { defineConfig } from "drizzle-kit";

// Generation only reads the schema; one migrations folder serves PGlite, node-postgres and Neon.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/server/db/schema/index.ts",
  out: "./drizzle",
  strict: true,
});
