import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Realtime subscription tokens: HS256 JWTs signed with an engine secret.
 * A token grants exactly the channel/topic pairs it was minted for; an
 * entry without topics grants the whole channel. As Inngest's (pkg/execution/
 * realtime/token.go, `DefaultExpiry`) they live one minute: a subscriber that
 * connects again later needs a fresh token. The token is checked when the
 * socket opens; an open socket outlives it, as on Inngest.
 */

export type RealtimeGrant = { channel: string; topics: string[] | "*" };

type Claims = { iss: string; iat: number; exp: number; grants: RealtimeGrant[] };

const b64url = (input: Buffer | string) => Buffer.from(input).toString("base64url");

export const TOKEN_TTL_MS = 60 * 1000;

export function mintToken(grants: RealtimeGrant[], secret: string, now: number): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims: Claims = {
    iss: "inngest-local",
    iat: Math.floor(now / 1000),
    exp: Math.floor((now + TOKEN_TTL_MS) / 1000),
    grants,
  };
  const body = `${header}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(createHmac("sha256", secret).update(body).digest())}`;
}

/** The grants of a valid, unexpired token; undefined otherwise. */
export function verifyToken(token: string, secret: string, now: number): RealtimeGrant[] | undefined {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<Claims>;
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= now || !Array.isArray(claims.grants))
      return undefined;
    return claims.grants;
  } catch {
    return undefined;
  }
}

export function grants(allowed: RealtimeGrant[], channel: string, topic: string): boolean {
  return allowed.some(
    (grant) => grant.channel === channel && (grant.topics === "*" || grant.topics.includes(topic)),
  );
}

/** Grants from a `/v1/realtime/token` body: `[{ channel, name?, topics?, kind }]`. */
export function grantsFromRequest(body: unknown): RealtimeGrant[] | undefined {
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const byChannel = new Map<string, RealtimeGrant>();
  for (const entry of body) {
    if (!entry || typeof entry !== "object") return undefined;
    const { channel, name, topics } = entry as { channel?: unknown; name?: unknown; topics?: unknown };
    if (typeof channel !== "string" || !channel) return undefined;
    const wanted = [
      ...(typeof name === "string" ? [name] : []),
      ...(Array.isArray(topics) ? topics.filter((t): t is string => typeof t === "string") : []),
    ];
    const grant = byChannel.get(channel) ?? { channel, topics: [] };
    grant.topics =
      wanted.length === 0 || grant.topics === "*" ? "*" : [...new Set([...grant.topics, ...wanted])];
    byChannel.set(channel, grant);
  }
  return [...byChannel.values()];
}
