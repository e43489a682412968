import os from "node:os";
import { buildForTests } from "../../tests/helpers/next-build";
import { type BareApp, startBareApp } from "./bare-app";
import { type BenchDatabase, createBenchDatabase } from "./bench-database";
import { closeHttp } from "./http";
import { hardLimit, progress } from "./stats";
import { type Stepwise, startStepwise } from "./stepwise";

export type BenchStack = { stepwise: Stepwise; bare: BareApp; database: BenchDatabase };

/**
 * Runs `body` against Stepwise (`npm start`'s way, on a fresh PostgreSQL database) and
 * the bare SDK app served by the same local engine, then stops both and drops the
 * database, whatever happened. The production build is the tests' (.next-test),
 * reused when the sources have not changed. Gives up after `limitMs`.
 */
export async function withBenchStack(
  name: string,
  limitMs: number,
  body: (stack: BenchStack) => Promise<void>,
  options: { env?: Record<string, string> } = {},
): Promise<void> {
  let stack: Partial<BenchStack> = {};
  let build: { release: () => void } | undefined;
  const cleanup = async () => {
    await stack.bare?.stop().catch(() => {});
    await stack.stepwise?.stop().catch(() => {});
    await stack.database
      ?.drop()
      .catch((error: unknown) => console.error("could not drop the database:", error));
    build?.release();
    await closeHttp().catch(() => {});
  };
  const cancel = hardLimit(limitMs, name, cleanup);
  try {
    progress("building the app (reused when nothing changed)…");
    build = await buildForTests();
    const database = await createBenchDatabase();
    stack = { database };
    progress(`starting Stepwise (npm start) on database ${database.name}…`);
    const stepwise = await startStepwise(database, options);
    stack.stepwise = stepwise;
    const bare = await startBareApp(stepwise.launcher.engineUrl, stepwise.signingKey);
    stack.bare = bare;
    progress(
      `ready: app ${stepwise.launcher.url}, engine ${stepwise.launcher.engineUrl}, bare SDK app ${bare.url}`,
    );
    await body({ stepwise, bare, database });
    console.log(`\n${machineLine()}`);
  } finally {
    cancel();
    await cleanup();
  }
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} × ${cpu} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GB · Node ${process.version} · load average ${os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")}`;
}

/** Parses a positive integer flag, clamped to [min, max]. */
export function intFlag(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number(value ?? fallback);
  return Math.min(max, Math.max(min, Number.isFinite(parsed) ? Math.round(parsed) : fallback));
}
