import { z } from "zod";
import { matchesExpression } from "./expression";
import { functionUuid } from "./ids";
import { type Journal, memoryJournal } from "./journal";
import type { EngineLogger, EventPayload } from "./types";

/**
 * Apps and their functions as learned from a sync. Parsing is lenient
 * (unknown fields pass) because the SDK adds fields over time; only what the
 * engine acts on is typed.
 */

/** Inngest's default when a function sets no `retries`: 4 retries, 5 attempts. */
export const DEFAULT_RETRIES = 4;

const ConcurrencySchema = z.object({
  limit: z.number(),
  key: z.string().optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});

const FunctionConfigSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  triggers: z
    .array(
      z.looseObject({
        event: z.string().optional(),
        expression: z.string().optional(),
        cron: z.string().optional(),
      }),
    )
    .default([]),
  steps: z.record(
    z.string(),
    z.looseObject({
      runtime: z.looseObject({ url: z.string(), type: z.string().optional() }),
      retries: z.looseObject({ attempts: z.number().optional() }).optional(),
    }),
  ),
  idempotency: z.string().optional(),
  concurrency: z.union([z.number(), ConcurrencySchema, z.array(ConcurrencySchema)]).optional(),
  cancel: z
    .array(z.object({ event: z.string(), if: z.string().optional(), timeout: z.string().optional() }))
    .optional(),
  batchEvents: z.unknown().optional(),
});

export type FunctionConfig = z.infer<typeof FunctionConfigSchema>;

export const FunctionConfigListSchema = z.array(FunctionConfigSchema);

export type ConcurrencyLimit = { limit: number; key?: string; scope: "fn" | "env" | "account" };

export type CancelRule = { event: string; if?: string; timeout?: string };

export type RegisteredFunction = {
  /** Full slug, `<appId>-<fnId>`, as the SDK expects in `fnId=`. */
  id: string;
  /** UUID sent as `ctx.fn_id`; its presence turns checkpointing on. */
  uuid: string;
  name: string;
  appId: string;
  appUrl: string;
  /** The step URL from the sync, with `stepId=step`. */
  url: string;
  triggers: { event?: string; expression?: string; cron?: string }[];
  maxAttempts: number;
  concurrency: ConcurrencyLimit[];
  cancel: CancelRule[];
  idempotency?: string;
};

export type RegisteredApp = { appId: string; url: string; functionIds: string[]; syncedAt: number };

export class FunctionRegistry {
  readonly #apps = new Map<string, RegisteredApp>();
  readonly #functions = new Map<string, RegisteredFunction>();

  constructor(
    private readonly logger: EngineLogger,
    private readonly journal: Journal = memoryJournal,
  ) {}

  /**
   * Replace everything known about `appId` with the synced function list.
   * Journaled, so runs of these functions resume after a restart before any re-sync.
   */
  register(appId: string, appUrl: string, configs: FunctionConfig[], now: number): RegisteredApp {
    this.journal.saveApp({ appId, url: appUrl, configs, syncedAt: now });
    const previous = this.#apps.get(appId);
    for (const id of previous?.functionIds ?? []) this.#functions.delete(id);
    const functionIds: string[] = [];
    for (const config of configs) {
      const fn = toRegistered(appId, appUrl, config);
      if (!fn) {
        this.logger.warn(`[inngest-local] function "${config.id}" has no step URL; skipped`);
        continue;
      }
      this.#functions.set(fn.id, fn);
      functionIds.push(fn.id);
    }
    const app = { appId, url: appUrl, functionIds, syncedAt: now };
    this.#apps.set(appId, app);
    return app;
  }

  get(functionId: string): RegisteredFunction | undefined {
    return this.#functions.get(functionId);
  }

  functions(): RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  apps(): RegisteredApp[] {
    return [...this.#apps.values()];
  }

  /** Functions an event triggers: name (or `prefix/*` wildcard) plus the trigger's `if`. */
  triggeredBy(event: EventPayload): RegisteredFunction[] {
    return this.functions().filter((fn) =>
      fn.triggers.some((trigger) => {
        if (!trigger.event || !eventNameMatches(trigger.event, event.name)) return false;
        if (!trigger.expression) return true;
        try {
          return matchesExpression(trigger.expression, { event });
        } catch (err) {
          this.logger.warn(`[inngest-local] ${fn.id}: ${(err as Error).message}; trigger skipped`);
          return false;
        }
      }),
    );
  }
}

export function eventNameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function toRegistered(appId: string, appUrl: string, config: FunctionConfig): RegisteredFunction | undefined {
  const step = config.steps.step ?? Object.values(config.steps)[0];
  if (!step) return undefined;
  // `retries.attempts` carries the user's `retries` option (a retry count).
  const retries = step.retries?.attempts ?? DEFAULT_RETRIES;
  return {
    id: config.id,
    uuid: functionUuid(config.id),
    name: config.name ?? config.id,
    appId,
    appUrl,
    url: step.runtime.url,
    triggers: config.triggers,
    maxAttempts: Math.max(1, retries + 1),
    concurrency: normalizeConcurrency(config.concurrency),
    cancel: config.cancel ?? [],
    idempotency: config.idempotency,
  };
}

function normalizeConcurrency(raw: FunctionConfig["concurrency"]): ConcurrencyLimit[] {
  if (raw === undefined) return [];
  const list = typeof raw === "number" ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  // A limit of 0 means "no limit" in Inngest.
  return list
    .filter((item) => item.limit > 0)
    .map((item) => ({ limit: item.limit, key: "key" in item ? item.key : undefined, scope: scopeOf(item) }));
}

function scopeOf(item: { scope?: "fn" | "env" | "account" }): ConcurrencyLimit["scope"] {
  return item.scope ?? "fn";
}
