import { z } from "zod";
import { WEBHOOK_DELIVERY_OUTCOMES, WEBHOOK_VERIFICATIONS } from "@/contracts/access-kinds";
import { RunIdSchema } from "../runs/contracts";
import { WorkflowParams } from "../workflows/contracts";

export const WebhookIdSchema = z.string().regex(/^wh_[a-z0-9]{26}$/, "not a webhook id");
export const WebhookDeliveryIdSchema = z.string().regex(/^whd_[a-z0-9]{26}$/, "not a delivery id");

/** The receiver's path: the endpoint id alone (the URL senders are given). */
export const WebhookReceiverParams = z.object({ webhookId: WebhookIdSchema });
export const WebhookParams = WorkflowParams.extend({ webhookId: WebhookIdSchema });
export const WebhookDeliveryParams = WebhookParams.extend({ deliveryId: WebhookDeliveryIdSchema });

/**
 * Request headers that never reach a mapping or the delivery log: credentials and signatures.
 * A signature stored next to its body would let anyone who reads the log replay the request.
 */
export const WITHHELD_HEADERS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "webhook-signature",
  "x-hub-signature",
  "x-hub-signature-256",
  "stripe-signature",
] as const;

const HeaderName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "not a header name")
  .refine((name) => !(WITHHELD_HEADERS as readonly string[]).includes(name), {
    message: "credentials and signature headers are never passed on",
  });

/** JSONata over `{ body, headers }` whose result is the run input; checked when saved. */
const Mapping = z.string().trim().min(1).max(10_000);

/** Senders that choose their own secret (Stripe always does) give it; Standard Webhooks secrets are `whsec_` + base64. */
const GivenSecret = z.string().min(8).max(512);

/** Standard Webhooks: `whsec_` then base64 of 24–64 random bytes. */
export const STANDARD_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

export const CreateWebhookBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    verification: z.enum(WEBHOOK_VERIFICATIONS).default("standard"),
    mapping: Mapping.nullable().default(null),
    includeHeaders: z.array(HeaderName).max(20).default([]),
    enabled: z.boolean().default(true),
    /** Omit to have one generated (shown once). Stripe makes its own secret: paste it here. */
    secret: GivenSecret.optional(),
  })
  .strict()
  .refine(
    (body) =>
      body.secret === undefined || body.verification !== "standard" || STANDARD_SECRET.test(body.secret),
    {
      message: "a Standard Webhooks secret is whsec_ followed by base64 of at least 24 bytes",
      path: ["secret"],
    },
  )
  .refine((body) => body.verification !== "stripe" || body.secret !== undefined, {
    message: "Stripe signs with its own endpoint secret (whsec_… from Stripe's dashboard): pass it as secret",
    path: ["secret"],
  });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    verification: z.enum(WEBHOOK_VERIFICATIONS).optional(),
    mapping: Mapping.nullable().optional(),
    includeHeaders: z.array(HeaderName).max(20).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "change at least one of name, verification, mapping, includeHeaders, enabled",
  });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

/** One week at most: a leaked secret must not outlive its rotation for long. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 3600;

export const RotateWebhookBody = z
  .object({
    /** How long the secret being replaced keeps verifying; 0 ends it at once. */
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_ROTATION_GRACE_SECONDS)
      .default(24 * 3600),
    secret: GivenSecret.optional(),
  })
  .strict();
export type RotateWebhookBody = z.infer<typeof RotateWebhookBody>;

export const ListDeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: WebhookDeliveryIdSchema.optional().describe("A page's nextCursor: deliveries older than it"),
});
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;

export const WebhookSchema = z.object({
  id: WebhookIdSchema,
  workflowId: z.string(),
  name: z.string(),
  url: z.string().describe("Where senders POST; the endpoint id is its only secret-free part"),
  verification: z.enum(WEBHOOK_VERIFICATIONS),
  mapping: z.string().nullable(),
  includeHeaders: z.array(z.string()),
  enabled: z.boolean(),
  previousSecretExpiresAt: z
    .string()
    .nullable()
    .describe("Until then the secret replaced by the last rotation still verifies"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookDto = z.infer<typeof WebhookSchema>;

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().describe("The signing secret: shown this once, never again"),
});
export type WebhookWithSecretDto = z.infer<typeof WebhookWithSecretSchema>;

export const WebhookListSchema = z.object({ data: z.array(WebhookSchema) });

export const WebhookDeliverySchema = z.object({
  id: WebhookDeliveryIdSchema,
  messageId: z.string().nullable(),
  outcome: z.enum(WEBHOOK_DELIVERY_OUTCOMES),
  status: z.number().int(),
  runId: z.string().nullable(),
  bodyExcerpt: z.string().nullable().describe("The start of the body as received"),
  bodyBytes: z.number().int(),
  headers: z.record(z.string(), z.string()),
  error: z.string().nullable(),
  replayOf: z.string().nullable(),
  receivedAt: z.string(),
});
export type WebhookDeliveryDto = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListSchema = z.object({
  data: z.array(WebhookDeliverySchema),
  nextCursor: WebhookDeliveryIdSchema.nullable(),
});

export const WebhookAcceptedSchema = z.object({
  runId: RunIdSchema,
  duplicate: z.boolean().optional().describe("True when this message id already started a run"),
});
export type WebhookAcceptedDto = z.infer<typeof WebhookAcceptedSchema>;

export const WebhookReplayedSchema = z.object({ runId: RunIdSchema, deliveryId: WebhookDeliveryIdSchema });
