import { createHmac, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

/**
 * A webhook sender for tests. Standard Webhooks requests are signed by the `standardwebhooks`
 * package (a client we did not write); GitHub's and Stripe's signatures are computed here from
 * their published schemes.
 */
export type Sent = { status: number; body: Record<string, unknown>; headers: Headers; text: string };

export async function post(url: string, rawBody: string, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: rawBody,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers, text };
}

export function standardHeaders(
  secret: string,
  rawBody: string,
  options: { messageId?: string; at?: Date } = {},
): Record<string, string> {
  const messageId = options.messageId ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(messageId, at, rawBody),
  };
}

export function githubHeaders(secret: string, rawBody: string, deliveryId = randomUUID()) {
  const signature = createHmac("sha256", secret).update(rawBody).digest("hex");
  return { "x-hub-signature-256": `sha256=${signature}`, "x-github-delivery": deliveryId };
}

export function stripeHeaders(secret: string, rawBody: string, at = new Date()) {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex");
  return { "stripe-signature": `t=${t},v1=${"0".repeat(64)},v1=${v1}` };
}
