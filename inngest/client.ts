import { Inngest } from "inngest";
import { getEnv, inngestBaseUrl, inngestDevMode } from "../src/lib/env";
import { logger } from "../src/lib/logger";
import { writeRecordsBeforeCheckpoints } from "../src/server/runs/step-record-barrier";
import { LogContextMiddleware } from "./log-context";
import { sdkInternalLogger } from "./sdk-internal-logger";

const env = getEnv();

/**
 * The one Inngest client. In development it talks to the local engine (or an
 * `inngest-cli dev` named by INNGEST_DEV / INNGEST_BASE_URL); in production to
 * Inngest Cloud with the signing and event keys the env module insists on.
 */
export const inngest = new Inngest({
  id: env.INNGEST_APP_ID,
  isDev: inngestDevMode(env),
  baseUrl: inngestBaseUrl(env),
  eventKey: env.INNGEST_EVENT_KEY,
  signingKey: env.INNGEST_SIGNING_KEY,
  signingKeyFallback: env.INNGEST_SIGNING_KEY_FALLBACK,
  logger: logger.child({ component: "inngest" }),
  internalLogger: sdkInternalLogger(logger.child({ component: "inngest" })),
  middleware: [LogContextMiddleware],
  // Inside a Next server the global fetch is Next's wrapper (request caching and tracing for pages):
  // every checkpoint and publish would pay for it while none of it applies to calls to Inngest. Next
  // keeps the fetch it wrapped for exactly this; looked up per call, as tests replace the global one.
  // A checkpoint tells Inngest that steps finished: it waits until their records are written
  // (src/server/runs/step-record-journal.ts).
  fetch: writeRecordsBeforeCheckpoints(() => withoutNextWrapper(globalThis.fetch)),
  // Checkpointing runs consecutive steps in one request; hand back to Inngest
  // before the platform's function time limit cuts the request off.
  // Consecutive steps' results go to Inngest in one checkpoint (see INNGEST_CHECKPOINT_BUFFERED_STEPS).
  checkpointing: {
    maxRuntime: `${env.INNGEST_CHECKPOINT_MAX_RUNTIME_S}s`,
    bufferedSteps: env.INNGEST_CHECKPOINT_BUFFERED_STEPS,
    maxInterval: env.INNGEST_CHECKPOINT_INTERVAL_MS,
  },
});

function withoutNextWrapper(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  const original = (fetch as { _nextOriginalFetch?: typeof globalThis.fetch })._nextOriginalFetch;
  return original ?? fetch;
}
