import { z } from "zod";

/**
 * The one place that reads `process.env`. Everything else asks `getEnv()`.
 *
 * Parsing is lazy (first call) so tests can set variables before the app reads
 * them, and strict: an invalid value stops start-up with the variable's name.
 */

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((value) => value === "1" || value === "true" || value === "yes");

/** `https://host[:port]` exactly as browsers send it in `Origin`: no path, query, credentials or wildcard. */
function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    // WHATWG URLs accept `*` in a host; an origin list is exact, so a wildcard is a mistake.
    const exact = url.origin === value && !url.hostname.includes("*");
    return (url.protocol === "https:" || url.protocol === "http:") && exact;
  } catch {
    return false;
  }
}

const DURATION_UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A rate-limit class's setting: `off`, or requests per window with an optional failure mode. */
const rateLimitSpec = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value === "off") return "off" as const;
    const match = /^(\d{1,7})\s*\/\s*(\d{1,7})\s*(ms|s|m|h)(?:\s+(open|closed))?$/.exec(value);
    const windowMs = match
      ? Number(match[2]) * DURATION_UNIT_MS[match[3] as keyof typeof DURATION_UNIT_MS]
      : 0;
    if (!match || Number(match[1]) < 1 || windowMs < 1_000) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a rate limit: "<requests>/<window>[ open|closed]" with a window of at least 1s (e.g. "20/10s closed"), or "off"`,
      });
      return z.NEVER;
    }
    return {
      limit: Number(match[1]),
      windowMs,
      onStoreFailure: match[4] as "open" | "closed" | undefined,
    };
  });

export type RateLimitSetting = Exclude<z.output<typeof rateLimitSpec>, undefined>;

/** Values that are clearly not real secrets, including every placeholder in .env.example. */
const PLACEHOLDER = /^(changeme|placeholder|xxx+|todo|<.*>|your[-_].*)$|replace[-_]?(me|with)/i;

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    /** The port the app serves on (Next reads it too); APP_URL follows it unless set. */
    PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
    /** The app's public origin (links in approvals, the examples' own-URL calls). Default: http://localhost:$PORT */
    APP_URL: z.url().optional(),

    DATABASE_URL: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? value : undefined)),
    DATABASE_DRIVER: z.enum(["auto", "pglite", "pg", "neon"]).default("auto"),
    PGLITE_DIR: z.string().default(".data/pglite"),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /** How long a request waits for a new database connection before answering 503 (pg and Neon pools). */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** How long one query may wait for the database's answer before the request answers 503. */
    DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),

    INNGEST_APP_ID: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default("stepwise"),
    INNGEST_DEV: z.string().optional(),
    INNGEST_BASE_URL: z.url().optional(),
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY_FALLBACK: z.string().optional(),
    INNGEST_SERVE_ORIGIN: z.url().optional(),
    /** Seconds a checkpointed request may run before handing back to Inngest; keep under the platform limit. */
    INNGEST_CHECKPOINT_MAX_RUNTIME_S: z.coerce.number().int().min(1).max(800).default(240),
    /**
     * Steps whose results are sent to Inngest together (a checkpoint per this many steps, or per
     * INNGEST_CHECKPOINT_INTERVAL_MS, whichever comes first). Safe because every step body is
     * idempotent against the database: a step that ran but whose result was not sent yet runs again
     * after a crash and finds its stored result (a node's side effect is not repeated).
     */
    INNGEST_CHECKPOINT_BUFFERED_STEPS: z.coerce.number().int().min(1).max(100).default(10),
    INNGEST_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    /**
     * How long starting a run waits for Inngest to accept its start event. Past it the
     * client still gets its 202 and the run stays `queued` for the reconciler to send again.
     */
    INNGEST_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** How long a read of Inngest's REST API (by the reconciler) may take. */
    INNGEST_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),

    /** Bearer secret of the cron routes (`/api/cron/*`); Vercel Cron sends it. */
    CRON_SECRET: z.string().trim().optional(),
    /** A queued run with no dispatch (or no start) for this long is sent again by the reconciler. */
    RECONCILE_QUEUED_AFTER_S: z.coerce.number().int().min(1).max(86_400).default(60),
    /** A running or waiting run with no progress for this long is checked against Inngest. */
    RECONCILE_STALLED_AFTER_S: z.coerce.number().int().min(1).max(604_800).default(300),
    /**
     * How far back the schedule tick looks for occurrences missed while nothing ticked (downtime):
     * a `run_once` schedule runs the newest missed occurrence within it; older ones are never run.
     */
    SCHEDULE_CATCH_UP_WINDOW_S: z.coerce.number().int().min(60).max(604_800).default(3_600),
    /** Runs the reconciler looks at per call, and finished runs retention deletes per call. */
    RECONCILE_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(50),
    RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),

    /** Clerk: all of publishable + secret key switch sign-in on; none of them means local mode (never in production). */
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: z.string().trim().optional(),
    CLERK_SECRET_KEY: z.string().trim().optional(),
    /** PEM public key (SPKI) that verifies session tokens without a network call; `\n` escapes allowed. */
    CLERK_JWT_KEY: z
      .string()
      .optional()
      .transform((value) => value?.replace(/\\n/g, "\n")),
    /** Comma-separated origins whose session tokens are accepted (the `azp` claim). */
    CLERK_AUTHORIZED_PARTIES: z
      .string()
      .optional()
      .transform((value) =>
        value
          ?.split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),

    /**
     * Comma-separated exact origins (`https://app.example.com`) whose browsers may call
     * `/api/v1` cross-origin. Unset: none may; session routes never answer cross-origin.
     */
    CORS_ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const origins = (value ?? "")
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean);
        for (const origin of origins) {
          if (!isExactOrigin(origin)) {
            ctx.addIssue({
              code: "custom",
              message: `"${origin}" is not an origin: scheme://host[:port], nothing after it`,
            });
          }
        }
        return origins;
      }),

    /**
     * Upstash Redis (REST) shared by every instance for rate limits. Unset: an in-process
     * limiter (the embedded default; per process, so production requires Upstash).
     */
    UPSTASH_REDIS_REST_URL: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? value : undefined))
      .pipe(z.url().optional()),
    UPSTASH_REDIS_REST_TOKEN: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? value : undefined)),
    /** How long a rate-limit decision may wait for the store before the class's failure mode applies. */
    RATE_LIMIT_STORE_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(1_000),
    /** `<requests>/<window>[ open|closed]` (e.g. `20/10s closed`), or `off`; see docs/PRODUCTION_READINESS.md. */
    RATE_LIMIT_WEBHOOK: rateLimitSpec.optional(),
    RATE_LIMIT_API_KEY: rateLimitSpec.optional(),
    RATE_LIMIT_SESSION: rateLimitSpec.optional(),
    RATE_LIMIT_AUTH_FAILURE: rateLimitSpec.optional(),
    /** How long each readiness check (`/api/health/ready`) may take before it counts as failed. */
    READINESS_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2_000),

    /** At most 1 MB: request bodies are capped there. */
    /**
     * AES-256-GCM key for stored credentials: 32 bytes, base64. ENCRYPTION_KEY_ID names
     * it in each ciphertext; ENCRYPTION_KEYS_PREVIOUS ("id:base64,id:base64") still
     * decrypts what older keys wrote, so keys rotate without a big-bang re-encryption.
     */
    ENCRYPTION_KEY: z
      .string()
      .optional()
      .refine((value) => value === undefined || Buffer.from(value, "base64").length === 32, {
        message: "must be 32 bytes, base64-encoded (openssl rand -base64 32)",
      }),
    ENCRYPTION_KEY_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .default("k1"),
    ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),

    /** LLM providers used when a node names no credential of its own. */
    OPENAI_API_KEY: z.string().optional(),
    /** Any OpenAI-compatible endpoint: OpenAI, Groq, Ollama, vLLM… */
    OPENAI_BASE_URL: z.url().optional(),
    GOOGLE_GENERATIVE_AI_API_KEY: z.string().optional(),

    /** Runs of one workspace that execute at once (fair share); a workspace can set its own. */
    RUN_CONCURRENCY_PER_WORKSPACE: z.coerce.number().int().min(1).max(1000).default(10),
    /**
     * Inline state a run's Inngest function may hold (Inngest allows 32 MB per run): once the step
     * results it has memoized pass this many bytes, every further node output is stored out of line
     * and travels as a reference. See docs/INNGEST_PARITY.md.
     */
    RUN_INLINE_STATE_BUDGET_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(24 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** Live run streams (SSE): seconds between heartbeats, so idle proxies keep the connection. */
    RUN_STREAM_HEARTBEAT_S: z.coerce.number().int().min(1).max(300).default(15),
    /**
     * Seconds after which a stream closes itself (the client reconnects with Last-Event-ID);
     * keep it under the platform's limit for the stream routes (300 s in vercel.json).
     */
    RUN_STREAM_MAX_DURATION_S: z.coerce.number().int().min(5).max(3600).default(280),
    /** The one shared poller per run while realtime is unavailable: at least a second apart. */
    RUN_STREAM_POLL_INTERVAL_MS: z.coerce.number().int().min(1000).max(60_000).default(1000),

    /**
     * Traces (OpenTelemetry's standard names). OTEL_TRACES_EXPORTER: `otlp` sends to the
     * OTLP/HTTP endpoint, `console` prints spans, `none` registers no tracer at all. Unset: `otlp`
     * when an endpoint is set, otherwise `none` (never a silent export to localhost:4318).
     */
    OTEL_TRACES_EXPORTER: z.enum(["none", "otlp", "console"]).optional(),
    /** The collector's base URL; traces go to `<endpoint>/v1/traces`. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    /** The full traces URL, when it is not `<endpoint>/v1/traces`. */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json"]).default("http/protobuf"),
    /** `key=value,key=value` sent with every export (a vendor's API key, say); values may be %-encoded. */
    OTEL_EXPORTER_OTLP_HEADERS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const headers: Record<string, string> = {};
        for (const pair of (value ?? "").split(",").filter((p) => p.trim())) {
          const at = pair.indexOf("=");
          try {
            if (at <= 0) throw new Error("no =");
            headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(
              pair.slice(at + 1).trim(),
            );
          } catch {
            // The value is a secret: the message names the problem, not the text.
            ctx.addIssue({ code: "custom", message: "must be key=value pairs separated by commas" });
          }
        }
        return headers;
      }),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default("stepwise"),

    RUN_INPUT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .default(256 * 1024),
    SEED_EXAMPLES: booleanish.default(true),
    /**
     * Whether workflow HTTP nodes (and model endpoints and image URLs from user
     * input) may call special-purpose addresses (loopback, private, link-local,
     * documentation, multicast …) and the host's own; see src/server/egress.
     * Unset: allowed on a developer's machine, refused in production.
     */
    HTTP_NODE_ALLOW_PRIVATE_NETWORKS: booleanish.optional(),
    /**
     * Whether sql nodes may connect to loopback, link-local and other special-purpose
     * addresses, the host's own addresses and Unix sockets (private networks are
     * always allowed: databases live there). Unset:
     * allowed on a developer's machine, refused in production.
     */
    SQL_NODE_ALLOW_LOCAL_ADDRESSES: booleanish.optional(),
    /**
     * Whether sql nodes may use a credential whose role is a superuser, has REPLICATION or
     * BYPASSRLS, or is a member of pg_read_server_files, pg_write_server_files or
     * pg_execute_server_program. Off everywhere unless set: such a role can write through a
     * "read" (dblink) or touch the database host's files. Operator-level on purpose: the
     * workspace members who write credentials are the ones the guard contains.
     */
    SQL_NODE_ALLOW_PRIVILEGED_ROLES: booleanish.default(false),
    /**
     * Serve a production build on the embedded defaults (PGlite, local engine, local
     * user). Set by `npm start` for trying a build locally; refused on Vercel.
     */
    STEPWISE_EMBEDDED: booleanish.default(false),
    /** Set by `npm run dev`/`npm start`: the app exits when that launcher is gone (see watch-launcher.ts). */
    STEPWISE_LAUNCHER_PID: z.coerce.number().int().positive().optional(),
    VERCEL: z.string().optional(),
    /** Set by Next while it builds; secrets are checked when the server starts, not at build time. */
    NEXT_PHASE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const clerkKeys = [env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY, env.CLERK_SECRET_KEY].filter(Boolean).length;
    if (clerkKeys === 1) {
      ctx.addIssue({
        code: "custom",
        path: [env.CLERK_SECRET_KEY ? "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY" : "CLERK_SECRET_KEY"],
        message: "set both Clerk keys to turn sign-in on, or neither for local mode",
      });
    }
    if (env.CLERK_JWT_KEY && !env.CLERK_JWT_KEY.includes("BEGIN PUBLIC KEY")) {
      ctx.addIssue({
        code: "custom",
        path: ["CLERK_JWT_KEY"],
        message: "must be a PEM public key (-----BEGIN PUBLIC KEY-----)",
      });
    }
    if (env.STEPWISE_EMBEDDED && env.VERCEL) {
      ctx.addIssue({
        code: "custom",
        path: ["STEPWISE_EMBEDDED"],
        message: "the embedded defaults are for a local machine, never a deployment",
      });
    }
    if (env.NODE_ENV !== "production" || env.STEPWISE_EMBEDDED) return;
    if (env.NEXT_PHASE === "phase-production-build") return;
    // Production fails closed: each of these would otherwise degrade silently.
    const required: Array<[keyof typeof env, string]> = [
      [
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
        "people sign in with Clerk; local mode is never allowed in production",
      ],
      ["CLERK_SECRET_KEY", "people sign in with Clerk; local mode is never allowed in production"],
      ["DATABASE_URL", "a Postgres (Neon) connection string is required in production"],
      [
        "INNGEST_SIGNING_KEY",
        "Inngest Cloud signs every call; without the key /api/inngest cannot verify them",
      ],
      ["INNGEST_EVENT_KEY", "runs are started by sending events to Inngest Cloud, which needs an event key"],
      ["ENCRYPTION_KEY", "stored credentials are encrypted with it; without it they could not be read back"],
      [
        "CRON_SECRET",
        "the reconciler and retention crons answer only to it; without it stuck runs stay stuck",
      ],
      [
        "UPSTASH_REDIS_REST_URL",
        "rate limits must be shared by every instance; an in-process limiter would let each allow the full budget",
      ],
      [
        "UPSTASH_REDIS_REST_TOKEN",
        "rate limits must be shared by every instance; an in-process limiter would let each allow the full budget",
      ],
    ];
    for (const [key, why] of required) {
      const value = env[key];
      if (typeof value !== "string" || value === "" || PLACEHOLDER.test(value)) {
        ctx.addIssue({ code: "custom", path: [key], message: `missing or placeholder: ${why}` });
      }
    }
    if (env.INNGEST_DEV && !["0", "false", ""].includes(env.INNGEST_DEV)) {
      ctx.addIssue({
        code: "custom",
        path: ["INNGEST_DEV"],
        message: "dev mode skips request signing and must not be enabled in production",
      });
    }
    if (env.DATABASE_URL?.startsWith("pglite:") || env.DATABASE_DRIVER === "pglite") {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "the embedded PGlite database is for local use only",
      });
    }
  })
  // Derived after validation, so every reader sees the origin the app really serves on.
  .transform((env) => ({ ...env, APP_URL: env.APP_URL ?? `http://localhost:${env.PORT}` }));

export type Env = z.infer<typeof EnvSchema>;

export class InvalidEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InvalidEnvError";
  }
}

/** Parses an environment record; exported for tests of the rules themselves. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`);
  throw new InvalidEnvError(problems);
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Whether HTTP nodes may reach internal addresses (see HTTP_NODE_ALLOW_PRIVATE_NETWORKS). */
export function httpNodesMayReachPrivateNetworks(env: Env): boolean {
  return env.HTTP_NODE_ALLOW_PRIVATE_NETWORKS ?? (env.NODE_ENV !== "production" || env.STEPWISE_EMBEDDED);
}

/** Whether sql nodes may reach the app's own host (see SQL_NODE_ALLOW_LOCAL_ADDRESSES). */
export function sqlNodesMayReachLocalAddresses(env: Env): boolean {
  return env.SQL_NODE_ALLOW_LOCAL_ADDRESSES ?? (env.NODE_ENV !== "production" || env.STEPWISE_EMBEDDED);
}

/** "clerk" when both Clerk keys are set; otherwise the one local user (outside production only). */
export function identityMode(env: Env): "clerk" | "local" {
  return env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY && env.CLERK_SECRET_KEY ? "clerk" : "local";
}

/** Whether the app talks to a development Inngest server (the local engine or `inngest-cli dev`). */
export function inngestDevMode(env: Env): boolean {
  if (env.INNGEST_DEV === undefined) return env.NODE_ENV !== "production";
  return !["0", "false", ""].includes(env.INNGEST_DEV);
}

/** The Inngest API base: INNGEST_BASE_URL, a URL given as INNGEST_DEV, or the local engine's default. */
export function inngestBaseUrl(env: Env): string | undefined {
  if (env.INNGEST_BASE_URL) return env.INNGEST_BASE_URL;
  if (env.INNGEST_DEV && /^https?:\/\//.test(env.INNGEST_DEV)) return env.INNGEST_DEV;
  return inngestDevMode(env) ? "http://127.0.0.1:8288" : undefined;
}

/** Where spans go (see OTEL_TRACES_EXPORTER): an endpoint alone means OTLP, nothing means none. */
export function tracesExporter(env: Env): "none" | "otlp" | "console" {
  if (env.OTEL_TRACES_EXPORTER) return env.OTEL_TRACES_EXPORTER;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT ? "otlp" : "none";
}
