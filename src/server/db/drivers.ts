import path from "node:path";
import type { Env } from "@/lib/env";

/**
 * Which driver serves DATABASE_URL. Unset means the embedded PGlite database in
 * `.data/`; `pglite:<dir>` or `pglite:memory` picks PGlite explicitly; a Neon host
 * (or DATABASE_DRIVER=neon) uses @neondatabase/serverless; any other postgres URL
 * uses node-postgres.
 */
export type DriverChoice =
  | { driver: "pglite"; dataDir: string | "memory" }
  | { driver: "pg"; url: string }
  | { driver: "neon"; url: string };

export function chooseDriver(
  env: Pick<Env, "DATABASE_URL" | "DATABASE_DRIVER" | "PGLITE_DIR">,
): DriverChoice {
  const url = env.DATABASE_URL;
  if (!url || env.DATABASE_DRIVER === "pglite") {
    const dir = url?.startsWith("pglite:") ? url.slice("pglite:".length) : env.PGLITE_DIR;
    return { driver: "pglite", dataDir: dir === "memory" ? "memory" : path.resolve(dir) };
  }
  if (url.startsWith("pglite:")) {
    const dir = url.slice("pglite:".length);
    return { driver: "pglite", dataDir: dir === "memory" ? "memory" : path.resolve(dir) };
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error("DATABASE_URL must start with postgres://, postgresql:// or pglite:");
  }
  if (env.DATABASE_DRIVER === "neon") return { driver: "neon", url };
  if (env.DATABASE_DRIVER === "pg") return { driver: "pg", url };
  const host = new URL(url).hostname;
  return host.endsWith(".neon.tech") || host.endsWith(".neon.build")
    ? { driver: "neon", url }
    : { driver: "pg", url };
}

/** The migrations folder shared by every driver. */
export function migrationsFolder(): string {
  return path.join(process.cwd(), "drizzle");
}
