import { z } from "zod";
import { templateField, urlTemplateField } from "../config-fields";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

/** RFC 9110 token characters: anything else would make fetch throw at run time. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** http: one request; url, header values and body are templates. */
export const HttpConfigSchema = z
  .object({
    method: z.enum(HTTP_METHODS).default("GET"),
    url: urlTemplateField(),
    headers: z
      .record(z.string(), templateField())
      .superRefine((headers, ctx) => {
        // A record key schema only says "Invalid key in record"; name the header instead.
        for (const name of Object.keys(headers)) {
          if (!HEADER_NAME.test(name))
            ctx.addIssue({ code: "custom", path: [name], message: "Invalid header name" });
        }
      })
      .optional(),
    body: templateField().optional(),
    timeoutMs: z.number().int().min(1).max(60_000).default(10_000),
    failOnHttpError: z.boolean().default(true),
  })
  .superRefine((config, ctx) => {
    // fetch refuses a body on GET/HEAD; say so at save time rather than at run time.
    if (
      config.body !== undefined &&
      config.body !== "" &&
      (config.method === "GET" || config.method === "HEAD")
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["body"],
        message: `A ${config.method} request cannot have a body`,
      });
    }
  });
