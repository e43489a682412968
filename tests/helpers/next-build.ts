import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { registerUser, waitForOtherUsers, withExclusiveLock } from "./build-lock";
import { isolatedEnv } from "./child-env";

/**
 * One production build of the app per test run, for the end-to-end tests that
 * need the real Next server (Clerk's middleware only runs there). It goes to its
 * own dist dir so a developer's `.next` (and a running `next dev`) is never
 * touched, and is skipped when a build of the same sources is already there.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
export const TEST_DIST_DIR = ".next-test";
const STAMP = path.join(ROOT, TEST_DIST_DIR, ".stepwise-source-hash");
const LOCK = path.join(ROOT, `${TEST_DIST_DIR}.lock`);
const USERS = path.join(ROOT, `${TEST_DIST_DIR}.users`);

/** Everything the bundle is made of; drizzle/ is read at run time and the local engine is not app code. */
const SOURCE_DIRS = ["src", "inngest"];
const SOURCE_FILES = ["next.config.mjs", "package-lock.json", "tsconfig.json"];
const SKIPPED_DIRS = new Set([path.join("inngest", "local"), "node_modules"]);

function sourceHash(): string {
  const hash = createHash("sha256");
  const visit = (relative: string) => {
    const full = path.join(ROOT, relative);
    if (!existsSync(full) || SKIPPED_DIRS.has(relative)) return;
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full).sort()) visit(path.join(relative, entry));
      return;
    }
    if (/\.test\.tsx?$/.test(relative)) return;
    hash.update(relative).update("\0").update(readFileSync(full)).update("\0");
  };
  for (const entry of [...SOURCE_DIRS, ...SOURCE_FILES]) visit(entry);
  return hash.digest("hex").slice(0, 16);
}

function runNextBuild(): Promise<void> {
  const env = isolatedEnv({
    NEXT_DIST_DIR: TEST_DIST_DIR,
    // `npm run typecheck` checks types; the test build only needs the bundle.
    NEXT_SKIP_TYPECHECK: "1",
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`next build failed (exit ${code}):\n${output.join("").slice(-4000)}`)),
    );
  });
}

export type TestBuild = {
  distDir: string;
  reused: boolean;
  durationMs: number;
  /** Ends this run's use of the build, so another run may rebuild it (call at teardown). */
  release: () => void;
};

async function rebuild(hash: string): Promise<void> {
  // Another run's servers may still be reading the old build.
  await waitForOtherUsers(USERS);
  rmSync(STAMP, { force: true });
  // Next rewrites next-env.d.ts to point at the dist dir it builds; keep the developer's.
  const nextEnvFile = path.join(ROOT, "next-env.d.ts");
  const nextEnv = existsSync(nextEnvFile) ? readFileSync(nextEnvFile, "utf8") : undefined;
  try {
    await runNextBuild();
  } finally {
    if (nextEnv === undefined) rmSync(nextEnvFile, { force: true });
    else writeFileSync(nextEnvFile, nextEnv);
  }
  writeFileSync(STAMP, hash);
}

/** Builds into `.next-test` unless a build of the current sources is already there. */
export async function buildForTests(): Promise<TestBuild> {
  const started = performance.now();
  return withExclusiveLock(LOCK, async () => {
    const hash = sourceHash();
    const reused = existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash;
    if (!reused) await rebuild(hash);
    // Registered before the lock is released, so no rebuild can slip in between.
    const release = registerUser(USERS);
    const durationMs = Math.round(performance.now() - started);
    return { distDir: path.join(ROOT, TEST_DIST_DIR), reused, durationMs, release };
  });
}
