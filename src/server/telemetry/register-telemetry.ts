import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { OTLPHttpJsonTraceExporter, OTLPHttpProtoTraceExporter, registerOTel } from "@vercel/otel";
import { type Env, getEnv, tracesExporter } from "@/lib/env";

export type TelemetryOptions = {
  /** Where spans go instead of what the env says (tests pass an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
};

export type TelemetryState = "registered" | "disabled";

/** Registered once per process, across Next's separately bundled copies of this module. */
const REGISTERED = Symbol.for("stepwise.telemetry");

/**
 * Registers the process's one tracer provider through `@vercel/otel`, exporting where
 * OTEL_TRACES_EXPORTER says. With no exporter nothing is registered at all: the API's no-op
 * tracer makes every span free, and nothing reaches for a collector that is not there.
 *
 * `@vercel/otel`'s fetch instrumentation stays off: its spans carry the full URL, and an HTTP
 * node's URL may hold a secret in its query string. Model calls get spans of their own.
 * Inngest's SDK creates no provider of its own (only its opt-in middleware would): it starts its
 * `inngest.execution` span on this one and attaches a read-only processor to it.
 */
export function registerTelemetry(options: TelemetryOptions = {}): TelemetryState {
  const scope = globalThis as { [REGISTERED]?: TelemetryState };
  if (scope[REGISTERED]) return scope[REGISTERED];
  const env = getEnv();
  const spanProcessors = options.spanProcessors ?? processorsFor(env);
  if (spanProcessors.length === 0) return "disabled";
  registerOTel({ serviceName: env.OTEL_SERVICE_NAME, spanProcessors, instrumentations: [] });
  scope[REGISTERED] = "registered";
  return "registered";
}

function processorsFor(env: Env): SpanProcessor[] {
  switch (tracesExporter(env)) {
    case "none":
      return [];
    case "console":
      return [new SimpleSpanProcessor(new ConsoleSpanExporter())];
    case "otlp": {
      const config = { url: otlpTracesUrl(env), headers: env.OTEL_EXPORTER_OTLP_HEADERS };
      const exporter =
        env.OTEL_EXPORTER_OTLP_PROTOCOL === "http/json"
          ? new OTLPHttpJsonTraceExporter(config)
          : new OTLPHttpProtoTraceExporter(config);
      return [new BatchSpanProcessor(exporter)];
    }
  }
}

/** The per-signal URL is used as given; the base endpoint gets the signal's path, as the spec says. */
export function otlpTracesUrl(env: Env): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://localhost:4318";
  return `${base.replace(/\/$/, "")}/v1/traces`;
}
