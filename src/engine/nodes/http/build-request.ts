import type { RunScope } from "../../expressions/run-scope";
import { checkHttpUrl } from "../config-fields";
import type { HttpConfig } from "../configs";
import { NodeExecutionError } from "../node-execution-error";
import { renderField } from "../shared";

/** A request ready for `fetch`, after every template has been rendered and checked. */
export type HttpRequestPlan = { url: URL; init: { method: string; headers: Headers; body?: string } };

/**
 * Renders url, header values and body. The URL is checked again after rendering because templates can
 * produce anything; a body that is valid JSON is sent as application/json unless a content-type is set.
 */
export async function buildRequest(config: HttpConfig, scope: RunScope): Promise<HttpRequestPlan> {
  const renderedUrl = (await renderField("url", config.url, scope)).trim();
  const urlProblem = checkHttpUrl(renderedUrl);
  if (urlProblem !== null) {
    throw new NodeExecutionError(
      `config.url: ${urlProblem} after rendering: "${truncate(renderedUrl, 200)}"`,
      {
        code: "invalid_url",
        retriable: false,
      },
    );
  }

  const headers = new Headers();
  for (const [name, template] of Object.entries(config.headers ?? {})) {
    const value = await renderField(`headers.${name}`, template, scope);
    try {
      headers.set(name, value);
    } catch (thrown) {
      // A rendered value with a newline would otherwise surface as a retriable fetch TypeError.
      throw new NodeExecutionError(`config.headers.${name}: invalid header value after rendering`, {
        code: "invalid_header",
        retriable: false,
        cause: thrown,
      });
    }
  }

  const body = config.body === undefined ? "" : await renderField("body", config.body, scope);
  if (body === "") return { url: new URL(renderedUrl), init: { method: config.method, headers } };
  if (!headers.has("content-type")) {
    headers.set("content-type", isJson(body) ? "application/json" : "text/plain; charset=utf-8");
  }
  return { url: new URL(renderedUrl), init: { method: config.method, headers, body } };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
