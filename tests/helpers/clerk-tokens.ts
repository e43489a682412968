import { randomBytes } from "node:crypto";
import { exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/**
 * Clerk session tokens minted offline. The app's proxy verifies them with
 * CLERK_JWT_KEY (the public half generated here), so no Clerk server is involved.
 *
 * The claims are the ones @clerk/backend 3 checks (`verifyJwt`: sub, azp against
 * authorizedParties, exp, nbf, iat; `typ` "JWT"; RS256) plus what it reads to build
 * `auth()`: `sid`, `v: 2` and the v2 organization claim `o: { id, rol, slg }`
 * (`orgRole` becomes `org:${rol}`). `iss` is the frontend API encoded in the
 * publishable key: cookie requests whose token names another issuer are taken for
 * another instance's suffixed cookies and read as signed out.
 */

/** A frontend API host that resolves nowhere (.test is reserved); the key only has to parse. */
export const CLERK_FRONTEND_API = "clerk.stepwise.test";

export type OrgRole = "admin" | "member";

export type SessionTokenClaims = {
  userId: string;
  orgId?: string;
  /** Without the `org:` prefix, as Clerk's v2 tokens carry it. */
  orgRole?: OrgRole;
  /** The origin the token was issued for; the proxy accepts only CLERK_AUTHORIZED_PARTIES. */
  azp: string;
  /** Lifetime from `issuedAt`; negative or small values make expired tokens. Default 60 s. */
  expiresInSec?: number;
  /** Unix seconds; defaults to now. */
  issuedAt?: number;
};

export type ClerkTestKeys = {
  /** SPKI PEM for CLERK_JWT_KEY. */
  jwtKey: string;
  publishableKey: string;
  secretKey: string;
  mintSessionToken: (claims: SessionTokenClaims) => Promise<string>;
};

/**
 * A production-instance key (`pk_live_`): that is what deployments use, and a
 * development key (`pk_test_`) would make Clerk demand its dev-browser cookie
 * before it reads a `__session` cookie at all.
 */
function publishableKeyFor(host: string): string {
  return `pk_live_${Buffer.from(`${host}$`).toString("base64")}`;
}

/** One RSA-2048 key pair per call (call it once per test file: generation costs ~100 ms). */
export async function createClerkTestKeys(): Promise<ClerkTestKeys> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const jwtKey = await exportSPKI(publicKey);

  const mintSessionToken = async (claims: SessionTokenClaims): Promise<string> => {
    const iat = claims.issuedAt ?? Math.floor(Date.now() / 1000);
    const payload: JWTPayload & Record<string, unknown> = {
      sid: `sess_${randomBytes(12).toString("hex")}`,
      azp: claims.azp,
      v: 2,
      ...(claims.orgId && {
        o: { id: claims.orgId, rol: claims.orgRole ?? "member", slg: claims.orgId.toLowerCase() },
      }),
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_stepwise_test" })
      .setSubject(claims.userId)
      .setIssuer(`https://${CLERK_FRONTEND_API}`)
      .setIssuedAt(iat)
      .setNotBefore(iat - 10)
      .setExpirationTime(iat + (claims.expiresInSec ?? 60))
      .sign(privateKey);
  };

  return {
    jwtKey,
    publishableKey: publishableKeyFor(CLERK_FRONTEND_API),
    secretKey: `sk_live_${randomBytes(24).toString("hex")}`,
    mintSessionToken,
  };
}

/** A token signed by a key the app does not trust, otherwise valid. */
export async function mintForeignToken(claims: SessionTokenClaims): Promise<string> {
  return (await createClerkTestKeys()).mintSessionToken(claims);
}
