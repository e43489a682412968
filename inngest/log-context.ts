import { Middleware } from "inngest";
import { extendRequestContext, withRequestContext } from "../src/lib/request-context";

/** What the run's start event (or, for a failure handler, the failed run's event) says about it. */
type RunEventData = { runId?: unknown; requestId?: unknown; event?: { data?: RunEventData } };

/**
 * Puts the run on every line logged while Inngest calls the app for it: run id, attempt, and the
 * id of the request that started the run (carried on the start event), so a run's lines join that
 * request's. The SDK's own lines ("Inngest step error", logged from its execution loop outside any
 * step) included. Each call gets a context of its own, filled in once the SDK has parsed the event;
 * the call's access line, written outside it, keeps the call's own request id.
 */
export class LogContextMiddleware extends Middleware.BaseMiddleware {
  readonly id = "stepwise:log-context";

  override wrapRequest({ next }: Middleware.WrapRequestArgs): Promise<Middleware.Response> {
    return withRequestContext({}, () => next());
  }

  override transformFunctionInput(
    arg: Middleware.TransformFunctionInputArgs,
  ): Middleware.TransformFunctionInputArgs {
    const data = arg.ctx.event.data as RunEventData | undefined;
    // A failure handler's event is `inngest/function.failed`, holding the failed run's event.
    const run = data?.event?.data ?? data;
    extendRequestContext({
      runId: typeof run?.runId === "string" ? run.runId : undefined,
      requestId: typeof run?.requestId === "string" ? run.requestId : undefined,
      attempt: arg.ctx.attempt,
    });
    return arg;
  }
}
